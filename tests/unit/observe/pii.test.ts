import { describe, expect, test } from 'vitest';
import { cardBrand, ibanMod97, luhn, validSpanishId, validSsn } from '../../../src/lib/observe/eval/checksums';
import { detectPii, redactPii, redactSecrets, type PiiType } from '../../../src/lib/observe/eval/pii';
import { piiScore } from '../../../src/lib/observe/eval/pii-evaluator';

// Test data built at run time, so no scanner mistakes these files for leaked credentials.
const GITHUB = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
const GITHUB_PAT = `github_pat_11ABCDEFG0123456789_${'xY7'.repeat(20).slice(0, 59)}`;
const OPENAI = `sk-proj-${'abc123DEF456ghi789JKL012mno345'}`;
const OPENAI_LEGACY = `sk-${'T3BlbkFJ9xQ2mN5pR7tV9wY3bC6dF1gH4jK8'.padEnd(48, 'Zq9')}`;
const JWT = ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'].join('.');
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun', '-----END RSA PRIVATE KEY-----'].join('\n');

/** [text, the types expected in it, in order] */
const POSITIVES: Array<[string, PiiType[]]> = [
  ['Write to jane.doe@example.com please', ['email']],
  ['Contact: j.smith+news@mail.co.uk.', ['email']],
  ['My email is Ana_B-92@sub.example-mail.org', ['email']],
  ['Call +1 415 555 2671 tomorrow', ['phone']],
  ['UK office: +44 20 7946 0958', ['phone']],
  ['Portable +33 6 12 34 56 78', ['phone']],
  ['Berlin +49 (0)30 1234567', ['phone']],
  ['Tel. +1-212-555-0143', ['phone']],
  ['US line (415) 555-2671', ['phone']],
  ['Desk 212-555-0143 ext', ['phone']],
  ['Dotted 646.555.0199', ['phone']],
  ['London 020 7946 0958', ['phone']],
  ['Mobile 07700 900123', ['phone']],
  ['Paris 06 12 34 56 78', ['phone']],
  ['Compact 0612345678', ['phone']],
  ['Visa 4111 1111 1111 1111 exp 12/29', ['credit-card']],
  ['MC 5555-5555-5555-4444', ['credit-card']],
  ['Amex 378282246310005', ['credit-card']],
  ['Discover 6011111111111117', ['credit-card']],
  ['Mastercard 2-series 2223003122003222', ['credit-card']],
  ['JCB 3530111333300000', ['credit-card']],
  ['IBAN DE89 3704 0044 0532 0130 00 thanks', ['iban']],
  ['GB82WEST12345698765432', ['iban']],
  ['FR14 2004 1010 0505 0001 3M02 606', ['iban']],
  ['pay to NL91ABNA0417164300 AND done', ['iban']],
  ['SSN 536-22-1234', ['us-ssn']],
  ['social security 401 86 7512', ['us-ssn']],
  ['NI number AB 12 34 56 C', ['uk-nino']],
  ['NINO JG103759A', ['uk-nino']],
  ['DNI 12345678Z', ['es-dni']],
  ['NIE X1234567L', ['es-dni']],
  ['key AKIAIOSFODNN7EXAMPLE in the config', ['aws-access-key']],
  [`token ${GITHUB}`, ['github-token']],
  [`fine-grained ${GITHUB_PAT}`, ['github-token']],
  [`OPENAI_API_KEY=${OPENAI}`, ['openai-key']],
  [`legacy ${OPENAI_LEGACY}`, ['openai-key']],
  [`Authorization: Bearer ${JWT}`, ['jwt']],
  ['Authorization: Bearer 7f9a8c2e4b1d4e6fa0c3b5d7e9f1a2c4', ['bearer-token']],
  ["api_key = 'Zx8kQ2mN5pR7tV9wY3bC6dF1'", ['secret']],
  ['client_secret: Qm9vZ2xlLXNlY3JldC0xMjM0NTY3OA', ['secret']],
  [PEM, ['private-key']],
  ['-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA', ['private-key']],
  ['Mail bob@example.org or call (415) 555-2671, card 4012 8888 8888 1881', ['email', 'phone', 'credit-card']],
];

/** Near-misses: shaped like PII, but failing a check or plainly something else. */
const NEGATIVES: string[] = [
  'Card 4111 1111 1111 1112 fails Luhn',
  'Number 5555-5555-5555-4445',
  'Luhn-valid but no issuer: 0000 0000 0000 0000',
  'Mixed separators 4111 1111-1111 1111',
  'IBAN DE89 3704 0044 0532 0130 01 fails mod-97',
  'GB82 WEST 1234 5698 7654 33',
  'Not a country: QQ12 3456 7890 1234 5678 90',
  'SSN-like 000-12-3456',
  'SSN-like 666-12-3456',
  'SSN-like 912-34-5678',
  'SSN-like 123-00-4567',
  'SSN-like 123-45-0000',
  'The Woolworth card 078-05-1120',
  'NINO with bad prefix QQ 12 34 56 C',
  'NINO with bad suffix AB123456E',
  'Reserved prefix GB123456A',
  'DNI with the wrong letter 12345678A',
  'Version 1.2.3 and v10.4.12 and node 20.19.0',
  'Installed vite@8.3.8 and @sveltejs/vite-plugin-svelte@7.3.1',
  'Dates 2024-01-15, 15/01/2024, 12.03.2024 and 01-02-2024',
  'Prices $1,299.99, € 12.345,67 and 1 234 567,89 €',
  'Server at 192.168.100.200 port 8080',
  'Invalid US number 123-456-7890',
  'Not an email: foo@bar, user@localhost, a@b.c',
  'Python uses sk-learn for models',
  'A risk-free approach and sk-2024-roadmap-planning-notes',
  'Short key AKIA1234 and ghp_short',
  'Bearer authentication and Bearer tokens-are-used-for-auth-here',
  'password: <your-password-here> and api_key=YOUR_API_KEY_HERE',
  'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'UUID 123e4567-e89b-12d3-a456-426614174000',
  '-----BEGIN PUBLIC KEY-----',
  'ISBN 978-3-16-148410-0 and order #123456789',
  'Temperature 0.7, top_p 0.95, max_tokens 1024, +5 points, +2.5%',
  'Coordinates 48.8566, 2.3522 and time 09:30',
  'Call extension 4567 or 12345',
];

describe('PII detection', () => {
  test('has at least 30 labelled positives and 30 negatives', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(30);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(30);
  });

  test.each(POSITIVES)('finds %j', (text, types) => {
    expect(detectPii(text).map((finding) => finding.type)).toEqual(types);
  });

  test.each(NEGATIVES)('finds nothing in %j', (text) => {
    expect(detectPii(text)).toEqual([]);
  });

  test('offsets cover exactly the value, and previews never show it', () => {
    const text = 'Card 4111 1111 1111 1111, mail jane.doe@example.com, iban GB82 WEST 1234 5698 7654 32.';
    const findings = detectPii(text);
    expect(findings.map((finding) => text.slice(finding.start, finding.end))).toEqual([
      '4111 1111 1111 1111',
      'jane.doe@example.com',
      'GB82 WEST 1234 5698 7654 32',
    ]);
    expect(findings.map((finding) => finding.preview)).toEqual(['**** **** **** 1111', 'j***@e***.com', 'GB** **** **** **** **54 32']);
    const secret = detectPii(`key ${OPENAI}`)[0]!;
    expect(secret.preview).toBe(`sk-… (${OPENAI.length} chars)`);
    expect(secret.preview).not.toContain('abc123');
  });

  test('the more specific detector wins where findings overlap', () => {
    expect(detectPii(`Bearer ${JWT}`).map((finding) => finding.type)).toEqual(['jwt']);
    expect(detectPii(`token=${GITHUB}`).map((finding) => finding.type)).toEqual(['github-token']);
  });

  test('a private key block is found whole, from header to footer', () => {
    const [finding] = detectPii(`before\n${PEM}\nafter`);
    expect(finding?.end! - finding?.start!).toBe(PEM.length);
  });

  test('redaction replaces findings with typed placeholders and keeps the rest', () => {
    expect(redactPii('Email jane@example.com or call +1 415 555 2671, card 4111111111111111.')).toBe(
      'Email [EMAIL] or call [PHONE], card [CREDIT_CARD].',
    );
    expect(redactPii(`IBAN DE89370400440532013000, SSN 536-22-1234, NINO JG103759A, key AKIAIOSFODNN7EXAMPLE\n${PEM}`)).toBe(
      'IBAN [IBAN], SSN [SSN], NINO [NINO], key [AWS_KEY]\n[PRIVATE_KEY]',
    );
    expect(redactPii('Nothing here, version 1.2.3')).toBe('Nothing here, version 1.2.3');
    expect(redactSecrets(`mail jane@example.com with ${OPENAI}`)).toBe('mail jane@example.com with [API_KEY]');
  });

  test('the evaluator scores the answer, and only counts what the question held', () => {
    expect(piiScore({ question: 'My mail is jane@example.com', answer: 'Noted, I will not repeat it.' })).toMatchObject({
      name: 'pii',
      score: 1,
      details: { questionCounts: { email: 1 } },
    });
    const leaky = piiScore({ question: 'Who to call?', answer: 'Call (415) 555-2671 or mail bob@example.org.' });
    expect(leaky.score).toBe(0);
    expect(leaky.details).toMatchObject({ counts: { phone: 1, email: 1 } });
    expect(JSON.stringify(leaky.details)).not.toContain('bob@example.org');
  });
});

describe('checksums', () => {
  test('Luhn', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
    expect(luhn('79927398713')).toBe(true);
    expect(luhn('12a4')).toBe(false);
  });

  test('IBAN mod-97', () => {
    expect(ibanMod97('DE89370400440532013000')).toBe(true);
    expect(ibanMod97('DE89370400440532013001')).toBe(false);
    expect(ibanMod97('CH9300762011623852957')).toBe(true);
  });

  test('card issuers and lengths', () => {
    expect(cardBrand('4111111111111111')).toBe('visa');
    expect(cardBrand('378282246310005')).toBe('amex');
    expect(cardBrand('37828224631000')).toBeNull();
    expect(cardBrand('9111111111111111')).toBeNull();
  });

  test('SSN ranges and Spanish ID letters', () => {
    expect(validSsn('536', '22', '1234')).toBe(true);
    expect(['000', '666', '900', '999'].some((area) => validSsn(area, '22', '1234'))).toBe(false);
    expect(validSpanishId('12345678Z')).toBe(true);
    expect(validSpanishId('Y1234567X')).toBe(true);
    expect(validSpanishId('1234567Z')).toBe(false);
  });
});
