import type { EnvironmentConfig } from '../contracts/environment';
export interface MeshApplyOptions { readonly root: string; readonly environment: EnvironmentConfig; readonly outdir: string; readonly dryRun?: boolean }
export async function meshApply(_o: MeshApplyOptions): Promise<{ refused: string[] }> { return { refused: [] }; }
