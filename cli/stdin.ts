/** Secrets can come from stdin (`-`), so they stay out of the process list and shell history. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export async function valueOrStdin(value: string): Promise<string> {
  return value === '-' ? readStdin() : value;
}
