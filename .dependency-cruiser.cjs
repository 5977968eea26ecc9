/**
 * The layering the folders promise, checked in `npm test` (see README, "What is here").
 * @type {import('dependency-cruiser').IConfiguration}
 */
const pureCore = '^shared/(lending|scoring|contact|collection)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one; split what they share into a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core-stays-pure',
      severity: 'error',
      comment:
        'The pure core (lending, scoring, contact, collection) imports only configuration and each other: no I/O, no AWS, no schemas.',
      from: { path: pureCore },
      to: {
        dependencyTypesNot: ['type-only'],
        pathNot: [pureCore, '^shared/config/', '^node_modules/', '^node:'],
      },
    },
    {
      name: 'pure-core-no-packages',
      severity: 'error',
      comment: 'The pure core uses no package beyond the language (types of configuration aside).',
      from: { path: pureCore },
      to: { dependencyTypes: ['npm', 'npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-ships-alone',
      severity: 'error',
      comment: 'shared/ is what the Lambdas ship: it never pulls in local, CLI, bench or test code.',
      from: { path: '^shared/' },
      to: { path: '^(local|cli|bench|test|infra|functions)/' },
    },
    {
      name: 'functions-never-local',
      severity: 'error',
      comment: 'A Lambda bundle carries no code that runs only on one machine.',
      from: { path: '^functions/' },
      to: { path: '^(local|cli|bench|test)/' },
    },
    {
      name: 'http-only-at-the-edge',
      severity: 'error',
      comment: 'Domain errors become HTTP answers in shared/http alone; use cases never speak HTTP.',
      from: { path: '^shared/', pathNot: '^shared/http/' },
      to: { path: '^shared/http/' },
    },
    {
      name: 'dynamodb-only-in-storage',
      severity: 'error',
      comment: 'Key strings and DynamoDB calls live in shared/storage alone (the wiring creates the client).',
      from: { path: '^(shared|functions)/', pathNot: '^shared/(storage|wiring)/' },
      to: { path: '@aws-sdk/(client-dynamodb|lib-dynamodb)' },
    },
    {
      name: 'aws-clients-only-in-adapters',
      severity: 'error',
      comment:
        'Other AWS clients live in shared/adapters/aws (handlers and the wiring create them once per container).',
      from: { path: '^shared/', pathNot: '^shared/(adapters/aws|wiring)/' },
      to: { path: '@aws-sdk/client-(?!dynamodb)' },
    },
    {
      name: 'ports-are-interfaces',
      severity: 'error',
      comment: 'shared/ports declares interfaces and records only: it depends on nothing at run time.',
      from: { path: '^shared/ports/' },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'use-cases-call-ports',
      severity: 'error',
      comment: 'Use cases reach stores through shared/ports, never a repository directly.',
      from: { path: '^shared/(origination|servicing|reminders|escalation|desk)/' },
      to: { path: '^shared/(storage|adapters)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|coverage)/' },
    // TypeScript 7 has no compiler API yet; swc parses the sources instead.
    parser: 'swc',
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
