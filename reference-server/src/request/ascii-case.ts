/**
 * Lower-cases A–Z only. String#toLowerCase folds by Unicode rules, under which the Kelvin sign
 * (U+212A) becomes "k": "\u212Aubernetes-authorization" would pass for a cluster key.
 */
export function asciiLowerCase(text: string): string {
  return /[^ -~]/.test(text) ? text.replace(/[A-Z]/g, (c) => c.toLowerCase()) : text.toLowerCase();
}
