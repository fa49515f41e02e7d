/**
 * The local mesh's one kind of error: a one-line message for the person at
 * the terminal, naming what to run or install. The CLI (scripts/mesh.ts)
 * prints it without a stack trace.
 */
export class LocalMeshError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalMeshError';
  }
}
