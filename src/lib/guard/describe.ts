/** The guard's decisions in words, for notices and message notes. */
import type { StopReason } from './budget';
import type { Refusal } from './gate';

/** 950 → "950", 12 345 → "12.3k", 500 000 → "500k", 1 200 000 → "1.2M". */
export function formatTokens(tokens: number): string {
  const [value, unit] = tokens >= 1e6 ? [tokens / 1e6, 'M'] : tokens >= 1e3 ? [tokens / 1e3, 'k'] : [tokens, ''];
  // One decimal below 100 of a unit, where it still says something.
  return `${Number(value.toFixed(unit && value < 100 ? 1 : 0))}${unit}`;
}

/** "18 s", "4 min 10 s", "3 h 12 min". */
export function formatWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const clockTime = (at: number): string => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function describeRefusal(refusal: Refusal, now: number): string {
  if (refusal.reason === 'server') {
    return `Your server asked Hearth to wait (HTTP 429). You can send to it again in ${formatWait(refusal.retryAt - now)}, at ${clockTime(refusal.retryAt)}. Models on this device are not affected.`;
  }
  if (refusal.reason === 'rate') {
    const { perMinute, burst } = refusal.limit;
    return `Rate limit: ${perMinute} ${perMinute === 1 ? 'request' : 'requests'} a minute, ${burst} at most in a row. You can send again in ${formatWait(refusal.retryAt - now)}, at ${clockTime(refusal.retryAt)}.`;
  }
  const reset = `Budgets reset at midnight, in ${formatWait(refusal.resetsAt - now)}.`;
  const left = `${formatTokens(refusal.remaining)} left; this request could need up to ${formatTokens(refusal.needed)}.`;
  return refusal.scope === 'day'
    ? `Today’s token budget (${formatTokens(refusal.limit)}) is used up: ${left} ${reset}`
    : `This conversation’s token budget for today (${formatTokens(refusal.limit)}) is used up: ${left} Start a new chat to go on. ${reset}`;
}

export const STOP_REASONS: Record<StopReason, string> = {
  'day-budget': 'Stopped: today’s token budget is used up',
  'conversation-budget': 'Stopped: this conversation’s token budget for today is used up',
  'answer-limit': 'Stopped at the answer length limit',
};
