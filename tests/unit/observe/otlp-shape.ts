/**
 * A structural validator for OTLP/JSON trace exports (ExportTraceServiceRequest), written from
 * opentelemetry-proto's trace.proto and common.proto and the OTLP spec's JSON encoding rules:
 * hex ids (not base64), 64-bit integers and nano timestamps as decimal strings, enums as
 * integers, AnyValue with exactly one member, and lowerCamelCase field names only.
 * It returns every problem found, so a failing test says what is wrong.
 */
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const UINT64 = /^\d{1,20}$/;
const INT64 = /^-?\d{1,19}$/;
/** 2001-09-09 in ns: a timestamp below this was almost certainly written in ms or µs. */
const PLAUSIBLE_NANOS = 1_000_000_000_000_000_000n;

function onlyKeys(value: Json, allowed: readonly string[], path: string, problems: string[]): void {
  for (const key of Object.keys(value)) if (!allowed.includes(key)) problems.push(`${path}: unknown field "${key}"`);
}

function anyValue(value: unknown, path: string, problems: string[]): void {
  if (!isObject(value)) return void problems.push(`${path}: AnyValue is not an object`);
  const keys = Object.keys(value);
  if (keys.length !== 1) return void problems.push(`${path}: AnyValue must have exactly one member, has ${keys.join(', ') || 'none'}`);
  const [key] = keys as [string];
  const item = value[key];
  switch (key) {
    case 'stringValue':
      if (typeof item !== 'string') problems.push(`${path}.stringValue is not a string`);
      break;
    case 'boolValue':
      if (typeof item !== 'boolean') problems.push(`${path}.boolValue is not a boolean`);
      break;
    case 'intValue':
      if (!(typeof item === 'string' && INT64.test(item)) && !Number.isSafeInteger(item)) problems.push(`${path}.intValue is not a decimal int64`);
      break;
    case 'doubleValue':
      if (typeof item !== 'number' || !Number.isFinite(item)) problems.push(`${path}.doubleValue is not a finite number`);
      break;
    case 'bytesValue':
      if (typeof item !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(item)) problems.push(`${path}.bytesValue is not base64`);
      break;
    case 'arrayValue':
      if (!isObject(item) || !Array.isArray(item.values)) problems.push(`${path}.arrayValue.values is not a list`);
      else item.values.forEach((entry, index) => anyValue(entry, `${path}.arrayValue.values[${index}]`, problems));
      break;
    case 'kvlistValue':
      if (!isObject(item)) problems.push(`${path}.kvlistValue is not an object`);
      else keyValues(item.values, `${path}.kvlistValue.values`, problems);
      break;
    default:
      problems.push(`${path}: "${key}" is not an AnyValue member`);
  }
}

function keyValues(value: unknown, path: string, problems: string[]): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) return void problems.push(`${path} is not a list`);
  const seen = new Set<string>();
  value.forEach((entry, index) => {
    const where = `${path}[${index}]`;
    if (!isObject(entry)) return void problems.push(`${where} is not an object`);
    onlyKeys(entry, ['key', 'value'], where, problems);
    if (typeof entry.key !== 'string' || !entry.key) problems.push(`${where}.key is not a non-empty string`);
    else if (seen.has(entry.key)) problems.push(`${where}.key "${entry.key}" is repeated`);
    else seen.add(entry.key);
    anyValue(entry.value, `${where}.value`, problems);
  });
}

function nanos(value: unknown, path: string, problems: string[]): bigint | null {
  if (typeof value !== 'string' || !UINT64.test(value)) {
    problems.push(`${path} is not a decimal string of nanoseconds`);
    return null;
  }
  const parsed = BigInt(value);
  if (parsed >= 2n ** 64n) problems.push(`${path} does not fit in a fixed64`);
  if (parsed < PLAUSIBLE_NANOS) problems.push(`${path} (${value}) is too small to be nanoseconds since the epoch`);
  return parsed;
}

const SPAN_FIELDS = [
  'traceId', 'spanId', 'traceState', 'parentSpanId', 'flags', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes',
  'droppedAttributesCount', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'status',
];

interface SeenSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  path: string;
}

function span(value: unknown, path: string, problems: string[], seen: SeenSpan[]): void {
  if (!isObject(value)) return void problems.push(`${path} is not an object`);
  onlyKeys(value, SPAN_FIELDS, path, problems);
  const { traceId, spanId, parentSpanId } = value;
  if (typeof traceId !== 'string' || !HEX32.test(traceId) || /^0+$/.test(traceId)) problems.push(`${path}.traceId is not 32 lowercase hex digits (non-zero)`);
  if (typeof spanId !== 'string' || !HEX16.test(spanId) || /^0+$/.test(spanId)) problems.push(`${path}.spanId is not 16 lowercase hex digits (non-zero)`);
  if (parentSpanId !== undefined && parentSpanId !== '' && (typeof parentSpanId !== 'string' || !HEX16.test(parentSpanId)))
    problems.push(`${path}.parentSpanId is not empty or 16 lowercase hex digits`);
  if (typeof value.name !== 'string' || !value.name) problems.push(`${path}.name is not a non-empty string`);
  if (!Number.isInteger(value.kind) || (value.kind as number) < 0 || (value.kind as number) > 5) problems.push(`${path}.kind is not a SpanKind number (0-5)`);
  const start = nanos(value.startTimeUnixNano, `${path}.startTimeUnixNano`, problems);
  const end = nanos(value.endTimeUnixNano, `${path}.endTimeUnixNano`, problems);
  if (start !== null && end !== null && end < start) problems.push(`${path} ends before it starts`);
  keyValues(value.attributes, `${path}.attributes`, problems);
  if (value.events !== undefined) {
    if (!Array.isArray(value.events)) problems.push(`${path}.events is not a list`);
    else
      value.events.forEach((event, index) => {
        const where = `${path}.events[${index}]`;
        if (!isObject(event)) return void problems.push(`${where} is not an object`);
        onlyKeys(event, ['timeUnixNano', 'name', 'attributes', 'droppedAttributesCount'], where, problems);
        nanos(event.timeUnixNano, `${where}.timeUnixNano`, problems);
        if (typeof event.name !== 'string' || !event.name) problems.push(`${where}.name is not a non-empty string`);
        keyValues(event.attributes, `${where}.attributes`, problems);
      });
  }
  if (value.status !== undefined) {
    const status = value.status;
    if (!isObject(status)) problems.push(`${path}.status is not an object`);
    else {
      onlyKeys(status, ['code', 'message'], `${path}.status`, problems);
      if (status.code !== undefined && ![0, 1, 2].includes(status.code as number)) problems.push(`${path}.status.code is not a StatusCode number (0-2)`);
      if (status.message !== undefined && typeof status.message !== 'string') problems.push(`${path}.status.message is not a string`);
    }
  }
  if (typeof traceId === 'string' && typeof spanId === 'string') {
    seen.push({ traceId, spanId, parentSpanId: typeof parentSpanId === 'string' ? parentSpanId : '', path });
  }
}

/** Every problem with `data` as an OTLP/JSON ExportTraceServiceRequest; empty when it is valid. */
export function validateOtlpTraces(data: unknown): string[] {
  const problems: string[] = [];
  if (!isObject(data)) return ['the document is not an object'];
  onlyKeys(data, ['resourceSpans'], '$', problems);
  if (!Array.isArray(data.resourceSpans)) return [...problems, '$.resourceSpans is not a list'];
  const seen: SeenSpan[] = [];
  data.resourceSpans.forEach((resourceSpans, i) => {
    const path = `resourceSpans[${i}]`;
    if (!isObject(resourceSpans)) return void problems.push(`${path} is not an object`);
    onlyKeys(resourceSpans, ['resource', 'scopeSpans', 'schemaUrl'], path, problems);
    const resource = resourceSpans.resource;
    if (!isObject(resource)) problems.push(`${path}.resource is not an object`);
    else {
      onlyKeys(resource, ['attributes', 'droppedAttributesCount'], `${path}.resource`, problems);
      keyValues(resource.attributes, `${path}.resource.attributes`, problems);
      const name = Array.isArray(resource.attributes) ? resource.attributes.find((entry) => isObject(entry) && entry.key === 'service.name') : undefined;
      if (!isObject(name) || !isObject(name.value) || typeof name.value.stringValue !== 'string' || !name.value.stringValue)
        problems.push(`${path}.resource has no service.name`);
    }
    if (!Array.isArray(resourceSpans.scopeSpans)) return void problems.push(`${path}.scopeSpans is not a list`);
    resourceSpans.scopeSpans.forEach((scopeSpans, j) => {
      const where = `${path}.scopeSpans[${j}]`;
      if (!isObject(scopeSpans)) return void problems.push(`${where} is not an object`);
      onlyKeys(scopeSpans, ['scope', 'spans', 'schemaUrl'], where, problems);
      if (scopeSpans.scope !== undefined) {
        if (!isObject(scopeSpans.scope) || typeof scopeSpans.scope.name !== 'string') problems.push(`${where}.scope has no name`);
        else onlyKeys(scopeSpans.scope, ['name', 'version', 'attributes', 'droppedAttributesCount'], `${where}.scope`, problems);
      }
      if (!Array.isArray(scopeSpans.spans)) return void problems.push(`${where}.spans is not a list`);
      scopeSpans.spans.forEach((item, k) => span(item, `${where}.spans[${k}]`, problems, seen));
    });
  });

  // Across the document: span ids unique per trace, parents inside their trace, one root per trace.
  const byTrace = new Map<string, SeenSpan[]>();
  for (const item of seen) byTrace.set(item.traceId, [...(byTrace.get(item.traceId) ?? []), item]);
  for (const [traceId, spans] of byTrace) {
    const ids = new Set<string>();
    for (const item of spans) {
      if (ids.has(item.spanId)) problems.push(`${item.path}.spanId repeats within trace ${traceId}`);
      ids.add(item.spanId);
    }
    for (const item of spans) {
      if (item.parentSpanId && !ids.has(item.parentSpanId)) problems.push(`${item.path}.parentSpanId points outside trace ${traceId}`);
    }
    const roots = spans.filter((item) => !item.parentSpanId).length;
    if (roots !== 1) problems.push(`trace ${traceId} has ${roots} root spans, expected 1`);
  }
  return problems;
}
