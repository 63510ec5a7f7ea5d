import type { ApolloDriverConfig } from '@nestjs/apollo';

/** Apollo's plugin type as @nestjs/apollo sees it (its CommonJS build). */
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/** Where the explorer page loads its script from: this service, never a CDN. */
export const EXPLORER_SCRIPT_PATH = '/graphql-explorer.js';

/**
 * The page GET /graphql answers to a browser when PALISADE_GRAPHQL_EXPLORER=true: a query editor
 * that posts to /graphql with the token typed in. Everything it loads comes from the service.
 */
export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Palisade GraphQL</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; }
textarea, input { font-family: ui-monospace, monospace; width: 100%; box-sizing: border-box; }
pre { background: #f4f4f4; padding: 1rem; overflow: auto; }
</style>
</head>
<body>
<h1>Palisade GraphQL</h1>
<form id="explorer">
<label>Bearer token <input id="token" type="password" autocomplete="off"></label>
<label>Query <textarea id="query" rows="14">{ me { actor { name } roles } }</textarea></label>
<label>Variables (JSON) <textarea id="variables" rows="4">{}</textarea></label>
<button type="submit">Run</button>
</form>
<pre id="result"></pre>
<script src="${EXPLORER_SCRIPT_PATH}"></script>
</body>
</html>
`;

export const EXPLORER_SCRIPT = `document.getElementById('explorer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = document.getElementById('result');
  let variables;
  try {
    variables = JSON.parse(document.getElementById('variables').value || '{}');
  } catch (error) {
    result.textContent = 'Variables are not JSON: ' + error.message;
    return;
  }
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + document.getElementById('token').value },
    body: JSON.stringify({ query: document.getElementById('query').value, variables }),
  });
  result.textContent = response.status + '\\n' + JSON.stringify(await response.json(), null, 2);
});
`;

/** Apollo's landing page for GET /graphql from a browser: the local explorer page. */
export function explorerPagePlugin(): ApolloPlugin {
  return {
    serverWillStart: async () => ({
      renderLandingPage: async () => ({ html: EXPLORER_HTML }),
    }),
  };
}
