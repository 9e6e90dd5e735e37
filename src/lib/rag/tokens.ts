/**
 * Token counts without a tokenizer: about four characters per token for English prose with
 * BPE vocabularies (Llama, Qwen, Gemma). Good enough to fill a budget; callers that have the
 * model's tokenizer can pass their own counter wherever a `TokenCounter` is accepted.
 */
export type TokenCounter = (text: string) => number;

export const CHARS_PER_TOKEN = 4;

export const estimateTokens: TokenCounter = (text) => Math.ceil(text.length / CHARS_PER_TOKEN);
