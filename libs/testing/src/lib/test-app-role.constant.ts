/**
 * The role test apps and test workers connect as, like production's PALISADE_APP_DB_ROLE: it owns
 * nothing and may only append to the audit tables. The global setup creates it and grants it on the
 * template database, so every test database cloned from it carries the same privileges.
 */
export const TEST_APP_DB_ROLE = 'palisade_test_app';
export const TEST_APP_DB_PASSWORD = 'palisade_test_app';
