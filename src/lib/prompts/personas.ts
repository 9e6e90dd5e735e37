/**
 * Personas: who answers. A persona has a name (shown as the role of its messages), an avatar,
 * a colour for its messages, a system prompt and its own sampling defaults.
 */
import type { SamplingSettings } from '../engine/protocol';

export const AVATAR_ICONS = ['flame', 'sparkle', 'code', 'book', 'pen', 'cap', 'bolt', 'globe', 'leaf', 'robot'] as const;
export type AvatarIcon = (typeof AVATAR_ICONS)[number];

export type Avatar = { kind: 'emoji'; emoji: string } | { kind: 'icon'; icon: AvatarIcon } | { kind: 'image'; dataUrl: string };

export interface Persona {
  id: string;
  name: string;
  avatar: Avatar;
  /** Hue (0–360) of the persona's messages. */
  hue: number;
  systemPrompt: string;
  sampling: Partial<SamplingSettings>;
  builtIn: boolean;
  createdAt: number;
  updatedAt: number;
}

export const DEFAULT_PERSONA_ID = 'builtin:hearth';

const builtIn = (id: string, name: string, avatar: Avatar, hue: number, systemPrompt: string, sampling: Partial<SamplingSettings> = {}): Persona => ({
  id: `builtin:${id}`,
  name,
  avatar,
  hue,
  systemPrompt,
  sampling,
  builtIn: true,
  createdAt: 0,
  updatedAt: 0,
});

export const BUILT_IN_PERSONAS: readonly Persona[] = [
  builtIn('hearth', 'Hearth', { kind: 'icon', icon: 'flame' }, 20, 'You are Hearth, a helpful assistant running privately in the user’s browser. Answer in Markdown.'),
  builtIn(
    'coder',
    'Coder',
    { kind: 'emoji', emoji: '🧑‍💻' },
    210,
    'You are a senior software engineer. Answer with working, idiomatic code in fenced blocks with a language tag, then explain briefly. Point out edge cases.',
    { temperature: 0.2 },
  ),
  builtIn(
    'writer',
    'Editor',
    { kind: 'icon', icon: 'pen' },
    300,
    'You are a careful editor. Improve clarity and flow while keeping the author’s voice. Show the revised text first, then a short list of the main changes.',
    { temperature: 0.7 },
  ),
  builtIn(
    'tutor',
    'Tutor',
    { kind: 'icon', icon: 'cap' },
    140,
    'You are a patient tutor. Explain step by step with small examples, check understanding with one question at the end, and never just hand over answers to exercises.',
    { temperature: 0.5 },
  ),
  builtIn('brief', 'Brief', { kind: 'icon', icon: 'bolt' }, 50, 'Answer in at most three sentences. No preamble.', { temperature: 0.3, max_tokens: 256 }),
];

const MAX_IMAGE_DATA_URL = 64 * 1024;
const IMAGE_DATA_URL = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+=*$/;

/** Checks a persona from a form or an import; returns the problems in words, or none. */
export function personaProblems(persona: Persona): string[] {
  const problems: string[] = [];
  if (!persona.name.trim()) problems.push('A persona needs a name.');
  if (persona.name.length > 60) problems.push('Keep the name under 60 characters.');
  if (persona.systemPrompt.length > 20_000) problems.push('The system prompt is longer than 20,000 characters.');
  if (!Number.isFinite(persona.hue) || persona.hue < 0 || persona.hue > 360) problems.push('The colour hue must be between 0 and 360.');
  const { avatar } = persona;
  if (avatar.kind === 'emoji' && (!avatar.emoji.trim() || [...avatar.emoji].length > 8)) problems.push('Pick a single emoji as the avatar.');
  if (avatar.kind === 'icon' && !AVATAR_ICONS.includes(avatar.icon)) problems.push(`Unknown avatar icon "${String(avatar.icon)}".`);
  if (avatar.kind === 'image') {
    if (!IMAGE_DATA_URL.test(avatar.dataUrl)) problems.push('The avatar image must be a PNG, JPEG or WebP image stored in the app.');
    else if (avatar.dataUrl.length > MAX_IMAGE_DATA_URL) problems.push('The avatar image is too large (over 64 KB once resized).');
  }
  return problems;
}

export function duplicatePersona(persona: Persona, id: string, now: number): Persona {
  return { ...persona, id, name: `${persona.name} (copy)`, builtIn: false, createdAt: now, updatedAt: now };
}
