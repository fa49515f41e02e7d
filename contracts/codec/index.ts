/** The edge codec: `createCodec`, `toDeadLetter` and their types. */
export { createCodec, canonicalKey, type Codec, type CodecOptions, type EncodeResult, type DecodeResult } from './codec';
export { toDeadLetter, DLQ_HEADER_PREFIX, type DeadLetterContext, type DeadLetterInput, type DeadLetterRecord } from './dead-letter';
export { ContractViolationError, type ContractViolation, type ViolationIssue } from './violation';
