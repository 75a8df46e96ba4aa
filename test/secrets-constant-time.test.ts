/**
 * Secrets are compared in constant time. Timing can't be measured reliably in a test, so this reads the
 * code instead (TypeScript's own parser over lambdas/ and local/gateway/): no `==`/`===` comparison
 * touches a secret or its hash except the listed harmless ones, client secrets are checked by hashing
 * and `constantTimeEqual` (which is `timingSafeEqual` over equal-length digests), and SigV4 signatures
 * by `timingSafeEqual`. PAT values are never compared at all: they are looked up by their SHA-256.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import ts from 'typescript';
import { constantTimeEqual, sha256Hex } from '../lambdas/shared/crypto/secrets';

const root = join(__dirname, '..');
const SENSITIVE = /secret|hash|signature|password|digest|subjectToken\b|patValue/i;

/** Equality checks on sensitive-looking names that are not secret comparisons, each with its reason. */
const HARMLESS = new Map([
  // The SHA-256 of the request body the client declares vs the one computed: both public.
  ['local/gateway/sigv4.ts: declaredPayloadHash !== payloadHash', 'payload hashes are not secrets'],
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
}

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

/** `undefined`, `null`, literals and `typeof x` reveal nothing about a secret's content. */
function isHarmlessOperand(node: ts.Expression): boolean {
  return (
    (ts.isIdentifier(node) && node.text === 'undefined') ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    ts.isLiteralExpression(node) ||
    ts.isTypeOfExpression(node)
  );
}

function findFunction(file: ts.SourceFile, name: string): ts.FunctionDeclaration {
  let found: ts.FunctionDeclaration | undefined;
  walk(file, (node) => {
    if (ts.isFunctionDeclaration(node) && node.name?.text === name) found = node;
  });
  if (!found) throw new Error(`${file.fileName} has no function ${name}`);
  return found;
}

function callsIn(node: ts.Node, callee: string): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  walk(node, (child) => {
    if (ts.isCallExpression(child) && child.expression.getText() === callee) calls.push(child);
  });
  return calls;
}

it('compares no secret or secret hash with == or === (beyond the listed harmless checks)', () => {
  const files = [...sourceFiles('lambdas'), ...sourceFiles('local/gateway')];
  expect(files.length).toBeGreaterThan(30);
  const flagged: string[] = [];
  for (const file of files) {
    walk(parse(file), (node) => {
      if (!ts.isBinaryExpression(node) || !EQUALITY.has(node.operatorToken.kind)) return;
      if (isHarmlessOperand(node.left) || isHarmlessOperand(node.right)) return;
      if (SENSITIVE.test(node.left.getText()) || SENSITIVE.test(node.right.getText())) {
        flagged.push(`${file}: ${node.getText()}`);
      }
    });
  }
  expect(flagged.sort()).toEqual([...HARMLESS.keys()].sort());
});

it('checks client secrets by hashing them and comparing the digests with timingSafeEqual', () => {
  const secrets = parse('lambdas/shared/crypto/secrets.ts');
  const constantTime = findFunction(secrets, 'constantTimeEqual');
  expect(callsIn(constantTime, 'timingSafeEqual')).toHaveLength(1);

  const clientAuth = parse('lambdas/token/client-auth.ts');
  const authenticate = findFunction(clientAuth, 'authenticateClient');
  const [comparison, ...others] = callsIn(authenticate, 'constantTimeEqual');
  expect(others).toHaveLength(0);
  const [presented, stored] = comparison!.arguments.map((argument) => argument.getText());
  expect(stored).toBe('app.secretHash');
  // `presented` is the SHA-256 of what the client sent: both sides are 64 hex characters.
  const declarations: ts.VariableDeclaration[] = [];
  walk(authenticate, (node) => {
    if (ts.isVariableDeclaration(node) && node.name.getText() === presented) declarations.push(node);
  });
  expect(declarations.map((declaration) => declaration.initializer?.getText())).toEqual([
    'sha256Hex(credentials.clientSecret)',
  ]);
});

it('compares SigV4 signatures at the gateway with timingSafeEqual', () => {
  expect(callsIn(parse('local/gateway/sigv4.ts'), 'timingSafeEqual').length).toBeGreaterThan(0);
});

it('constantTimeEqual over SHA-256 digests is exactly equality of the secrets', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.boolean(), (a, b, same) => {
      const other = same ? a : b;
      return sha256Hex(other).length === 64 && constantTimeEqual(sha256Hex(a), sha256Hex(other)) === (a === other);
    }),
    { seed: 6_2029, numRuns: 200 },
  );
});
