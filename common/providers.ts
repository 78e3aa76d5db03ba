/**
 * The onnxruntime execution providers an encoder can run on, defined once: the types, the IPC
 * schema, the CLI's --provider and the encoder's 'auto' order all derive from this tuple.
 */

/** In the order 'auto' tries them: the first that loads the model is used. */
export const EXECUTION_PROVIDERS = ['cuda', 'webgpu', 'cpu'] as const

export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number]

/** What a user may ask for: one provider, or 'auto' (the first of EXECUTION_PROVIDERS that works). */
export const PROVIDER_CHOICES = ['auto', ...EXECUTION_PROVIDERS] as const

export type ProviderChoice = (typeof PROVIDER_CHOICES)[number]
