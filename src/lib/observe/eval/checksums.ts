/** The check-digit algorithms that tell a real card, IBAN or ID number from a look-alike. */

/** Luhn (mod 10), used by payment cards: doubling every second digit from the right. */
export function luhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = digits.charCodeAt(digits.length - 1 - index) - 48;
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** ISO 13616 IBAN lengths by country (the IBAN registry), so a match never swallows the next word. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28,
  CZ: 24, DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18,
  GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32,
  LI: 21, LT: 20, LU: 20, LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28,
  TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20,
};

/** ISO 7064 mod 97-10: the country code and check digits move to the end, letters become 10..35, remainder must be 1. */
export function ibanMod97(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Payment-card issuer ranges (IIN) and the lengths each issues; Luhn alone passes one random number in ten. */
export function cardBrand(digits: string): string | null {
  const length = digits.length;
  const prefix = (n: number): number => Number(digits.slice(0, n));
  if (digits.startsWith('4') && [13, 16, 19].includes(length)) return 'visa';
  if (((prefix(2) >= 51 && prefix(2) <= 55) || (prefix(4) >= 2221 && prefix(4) <= 2720)) && length === 16) return 'mastercard';
  if ((prefix(2) === 34 || prefix(2) === 37) && length === 15) return 'amex';
  if ((prefix(4) === 6011 || prefix(2) === 65 || (prefix(3) >= 644 && prefix(3) <= 649)) && length >= 16 && length <= 19) return 'discover';
  if (prefix(4) >= 3528 && prefix(4) <= 3589 && length >= 16 && length <= 19) return 'jcb';
  if (((prefix(3) >= 300 && prefix(3) <= 305) || [36, 38, 39].includes(prefix(2))) && length >= 14 && length <= 19) return 'diners';
  if (prefix(2) === 62 && length >= 16 && length <= 19) return 'unionpay';
  return null;
}

/** US Social Security numbers never issued: area 000, 666, 900–999; group 00; serial 0000; and two famous published ones. */
export function validSsn(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area.startsWith('9')) return false;
  if (group === '00' || serial === '0000') return false;
  return !['078-05-1120', '219-09-9999'].includes(`${area}-${group}-${serial}`);
}

/** Spanish DNI/NIE: the letter is the number mod 23 in this table (NIE: X, Y, Z stand for 0, 1, 2). */
export function validSpanishId(id: string): boolean {
  const match = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(id);
  if (!match) return false;
  const [, nie = '', digits = '', letter] = match;
  if (nie === '' ? digits.length !== 8 : digits.length !== 7) return false;
  const number = Number(`${nie === '' ? '' : 'XYZ'.indexOf(nie)}${digits}`);
  return 'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23] === letter;
}
