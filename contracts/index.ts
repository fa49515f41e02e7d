/**
 * contract-mesh's contract DSL: the public entry for domain teams.
 *
 * ```ts
 * import { defineDataProduct, z } from '../../index';
 * ```
 */
export { z } from 'zod';
export * from './dsl/data-product';
export type { Problem } from './problems';
export { ContractError, formatProblems } from './problems';
export type { EnvironmentConfig, BackendConfig, KafkaAdminAuth, RetentionBound } from './environment';
export type { CompiledProduct, CompiledConsumer } from './compile';
export { compileProduct } from './compile';
export type { MeshPlan, StackPlan, ProductPlan, ProductEntry } from './mesh';
export { planMesh } from './mesh';
export { discoverProducts } from './discover';
export type { PlanOptions, ContractPlan } from './mesh';
export type { ProductLock, PartitionLock } from './lock/lock-file';
export type { GeneratedProto } from './proto/print-proto';
export { createCodec, toDeadLetter, ContractViolationError } from './codec';
export type { Codec, CodecOptions, EncodeResult, DecodeResult, ContractViolation, DeadLetterRecord, DeadLetterContext, DeadLetterInput } from './codec';
