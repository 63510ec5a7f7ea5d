-- Tokens of agents and CI jobs that upload inventories and may do nothing else.
ALTER TYPE "Role" ADD VALUE 'REPORTER';
