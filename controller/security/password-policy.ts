// Minimum password strength for staff accounts. Length matters most; we also refuse the
// passwords everyone tries first and ones made of the username.
import type { Language } from '../errors.js';

const COMMON = new Set([
  'password', 'password1', '123456789', '1234567890', '123456789012', 'qwertyuiop', 'matkhau', 'matkhau123',
  'admin12345', 'administrator', 'abc123456789', '11111111', '00000000', 'iloveyou', 'loa12345678',
]);

export const MIN_PASSWORD_LENGTH = 10;

export function checkPasswordStrength(password: string, username: string, lang: Language): string | null {
  const lower = password.toLowerCase();
  const vi = lang === 'vi';
  if (password.length < MIN_PASSWORD_LENGTH) {
    return vi ? `cần ít nhất ${MIN_PASSWORD_LENGTH} ký tự` : `at least ${MIN_PASSWORD_LENGTH} characters are needed`;
  }
  if (password.length > 256) return vi ? 'dài quá 256 ký tự' : 'longer than 256 characters';
  if (COMMON.has(lower)) return vi ? 'đây là mật khẩu phổ biến, dễ đoán' : 'this is a common, easily guessed password';
  if (username && lower.includes(username.toLowerCase())) {
    return vi ? 'không được chứa tên đăng nhập' : 'it must not contain the username';
  }
  if (new Set(password).size < 5) return vi ? 'cần ít nhất 5 ký tự khác nhau' : 'at least 5 different characters are needed';
  return null;
}
