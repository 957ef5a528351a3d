// The catalogue of error codes the API can answer with. Codes are stable (clients and the web
// console switch on them); messages are for people, in Vietnamese (default) and English.
// `{name}` placeholders are filled from the error's params.

export interface ErrorSpec {
  status: number;
  vi: string;
  en: string;
}

export const ERROR_CATALOGUE = {
  // ---- generic --------------------------------------------------------------------
  validation_failed: { status: 400, vi: 'Yêu cầu không hợp lệ: {detail}', en: 'Invalid request: {detail}' },
  malformed_json: { status: 400, vi: 'Nội dung gửi lên không phải JSON hợp lệ.', en: 'The request body is not valid JSON.' },
  body_too_large: { status: 413, vi: 'Nội dung gửi lên quá lớn.', en: 'The request body is too large.' },
  unsupported_media_type: { status: 415, vi: 'Kiểu nội dung không được hỗ trợ.', en: 'Unsupported content type.' },
  route_not_found: { status: 404, vi: 'Không có địa chỉ {method} {url}.', en: 'There is no {method} {url}.' },
  not_found: { status: 404, vi: 'Không tìm thấy {what}.', en: '{what} not found.' },
  rate_limited: { status: 429, vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau {retryAfterS} giây.', en: 'Too many requests; try again in {retryAfterS} s.' },
  internal: { status: 500, vi: 'Lỗi hệ thống. Mã yêu cầu: {reqId}.', en: 'Internal error. Request id: {reqId}.' },
  unavailable: { status: 503, vi: 'Dịch vụ tạm thời không sẵn sàng: {detail}', en: 'Service temporarily unavailable: {detail}' },

  // ---- authentication and access --------------------------------------------------
  unauthenticated: { status: 401, vi: 'Bạn cần đăng nhập.', en: 'You need to sign in.' },
  session_expired: { status: 401, vi: 'Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.', en: 'Your session has expired; please sign in again.' },
  invalid_credentials: { status: 401, vi: 'Sai tên đăng nhập hoặc mật khẩu.', en: 'Wrong username or password.' },
  account_disabled: { status: 403, vi: 'Tài khoản đã bị khoá. Liên hệ quản trị viên tỉnh.', en: 'This account is disabled. Contact the province administrator.' },
  too_many_login_attempts: { status: 429, vi: 'Đăng nhập sai quá nhiều lần. Thử lại sau {retryAfterS} giây.', en: 'Too many failed sign-ins. Try again in {retryAfterS} s.' },
  token_invalid: { status: 401, vi: 'Mã truy cập API không hợp lệ hoặc đã bị thu hồi.', en: 'The API token is invalid or has been revoked.' },
  forbidden_role: { status: 403, vi: 'Vai trò {role} không được phép {permission}.', en: 'The role {role} may not {permission}.' },
  forbidden_scope: { status: 403, vi: '{target} nằm ngoài địa bàn bạn quản lý ({scope}).', en: '{target} is outside your area ({scope}).' },
  device_auth_required: { status: 401, vi: 'Cần xác thực thiết bị.', en: 'Device authentication required.' },
  mqtt_credentials_refused: { status: 403, vi: 'Thông tin đăng nhập MQTT bị từ chối.', en: 'MQTT credentials refused.' },
  csrf_rejected: { status: 403, vi: 'Yêu cầu bị từ chối (thiếu tiêu đề chống giả mạo).', en: 'Request refused (anti-forgery header missing).' },

  // ---- accounts -------------------------------------------------------------------
  weak_password: { status: 400, vi: 'Mật khẩu quá yếu: {reason}', en: 'The password is too weak: {reason}' },
  duplicate_username: { status: 409, vi: 'Tên đăng nhập {username} đã tồn tại.', en: 'The username {username} is taken.' },
  role_scope_mismatch: { status: 400, vi: 'Vai trò {role} phải gắn với đơn vị cấp {level}.', en: 'The role {role} must be scoped to a {level}.' },
  cannot_change_own_account: { status: 403, vi: 'Bạn không thể tự đổi vai trò, địa bàn hoặc khoá tài khoản của chính mình.', en: 'You cannot change your own role, scope or active flag.' },
  role_above_own: { status: 403, vi: 'Không thể cấp quyền cao hơn quyền của bạn.', en: 'You cannot grant more than you have.' },
  wrong_current_password: { status: 400, vi: 'Mật khẩu hiện tại không đúng.', en: 'The current password is wrong.' },

  // ---- registry and devices -------------------------------------------------------
  unknown_admin_unit: { status: 404, vi: 'Không có đơn vị hành chính mã {code}.', en: 'There is no administrative unit with code {code}.' },
  not_a_commune: { status: 400, vi: 'Mã {code} không phải cấp xã.', en: 'The code {code} is not a commune.' },
  no_station: { status: 404, vi: 'Xã {code} chưa có đài truyền thanh trong sổ.', en: 'The commune {code} has no station in the registry.' },
  duplicate_device_name: { status: 409, vi: 'Đài đã có cụm loa tên "{name}".', en: 'The station already has a cluster named "{name}".' },
  device_not_found: { status: 404, vi: 'Không có cụm loa {id}.', en: 'There is no cluster {id}.' },
  station_not_found: { status: 404, vi: 'Không có đài {id}.', en: 'There is no station {id}.' },

  // ---- schedules and broadcasts ---------------------------------------------------
  schedule_not_found: { status: 404, vi: 'Không có lịch phát {id}.', en: 'There is no schedule {id}.' },
  schedule_in_past: { status: 400, vi: 'Lịch phát nằm trong quá khứ ({when}).', en: 'The schedule is in the past ({when}).' },
  invalid_cron: { status: 400, vi: 'Biểu thức cron không hợp lệ: {detail}', en: 'Invalid cron expression: {detail}' },
  invalid_timing: { status: 400, vi: 'Thời gian phát không hợp lệ: {detail}', en: 'Invalid timing: {detail}' },
  schedule_too_frequent: { status: 400, vi: 'Lịch phát lặp quá dày: hơn {max} buổi trong {days} ngày.', en: 'The schedule repeats too often: more than {max} airings in {days} days.' },
  invalid_stream_url: { status: 400, vi: 'Địa chỉ luồng tiếp sóng phải bắt đầu bằng http:// hoặc https:// ({url}).', en: 'A relay stream URL must be http:// or https:// ({url}).' },
  target_required: { status: 400, vi: 'Cần chọn ít nhất một nơi phát (địa bàn, nhóm cụm loa hoặc cụm loa).', en: 'Choose at least one target (area, device group or cluster).' },
  schedule_conflict: {
    status: 409,
    vi: 'Trùng giờ với {count} buổi phát cùng mức ưu tiên trên cùng cụm loa, ví dụ "{title}" lúc {when}.',
    en: 'Overlaps {count} airing(s) of the same class on the same clusters, e.g. "{title}" at {when}.',
  },
  occurrence_not_found: { status: 404, vi: 'Không có buổi phát {id}.', en: 'There is no airing {id}.' },
  occurrence_not_aired_yet: { status: 409, vi: 'Buổi phát {id} chưa đến giờ phát, chưa thể xác nhận.', en: 'Airing {id} has not started yet and cannot be confirmed.' },
  occurrence_not_in_commune: { status: 404, vi: 'Buổi phát {id} không phát tại {commune}.', en: 'Airing {id} does not play in {commune}.' },
  priority_order_invalid: { status: 400, vi: 'Thứ tự không hợp lệ: {detail}', en: 'Invalid order: {detail}' },
  group_not_found: { status: 404, vi: 'Không có nhóm cụm loa {id}.', en: 'There is no device group {id}.' },
  duplicate_group_name: { status: 409, vi: 'Địa bàn đã có nhóm cụm loa tên "{name}".', en: 'The area already has a device group named "{name}".' },
  group_member_outside: { status: 400, vi: 'Cụm loa {id} không thuộc địa bàn của nhóm ({area}).', en: 'Cluster {id} is outside the group\'s area ({area}).' },
  command_not_found: { status: 404, vi: 'Không có lệnh {id}.', en: 'There is no command {id}.' },
  command_invalid: { status: 400, vi: 'Lệnh không hợp lệ: {detail}', en: 'Invalid command: {detail}' },
  emergency_not_found: { status: 404, vi: 'Không có buổi phát khẩn cấp {id}.', en: 'There is no emergency broadcast {id}.' },
  emergency_not_active: { status: 409, vi: 'Buổi phát khẩn cấp {id} đã kết thúc.', en: 'The emergency broadcast {id} has already ended.' },

  // ---- reports and the live stream (console) --------------------------------------
  report_period_invalid: { status: 400, vi: 'Kỳ báo cáo không hợp lệ: {reason}', en: 'Invalid report period: {reason}' },
  too_many_live_streams: { status: 429, vi: 'Đã mở quá nhiều luồng cập nhật trực tiếp ({max}); hãy đóng bớt thẻ trình duyệt.', en: 'Too many live update streams open ({max}); close some browser tabs.' },
  // ---- bulletins, media and text-to-speech ----------------------------------------
  bulletin_not_found: { status: 404, vi: 'Không có bản tin {id}.', en: 'There is no bulletin {id}.' },
  bulletin_not_approved: {
    status: 409,
    vi: 'Bản tin {id} chưa được duyệt: chỉ bản tin đã duyệt mới được lên lịch phát.',
    en: 'Bulletin {id} is not approved: only approved bulletins can be scheduled.',
  },
  bulletin_not_ready: {
    status: 409,
    vi: 'Bản tin {id} chưa có tệp phát (đang xử lý hoặc xử lý lỗi).',
    en: 'Bulletin {id} has no delivery file yet (still processing, or processing failed).',
  },
  bulletin_audio_not_ready: {
    status: 409,
    vi: 'Âm thanh của bản tin {id} chưa xử lý xong ({state}); người duyệt cần nghe được trước.',
    en: 'The audio of bulletin {id} is not ready ({state}); the approver must be able to listen first.',
  },
  bulletin_bad_transition: {
    status: 409,
    vi: 'Bản tin {id} đang ở trạng thái "{from}", không thể {action}.',
    en: 'Bulletin {id} is "{from}"; it cannot be {action}.',
  },
  bulletin_locked: {
    status: 409,
    vi: 'Bản tin {id} đang ở trạng thái "{from}": chỉ sửa được bản nháp hoặc bản bị từ chối.',
    en: 'Bulletin {id} is "{from}": only drafts and rejected bulletins can be edited.',
  },
  bulletin_reason_required: { status: 400, vi: 'Cần ghi lý do từ chối.', en: 'A reason is required to reject a bulletin.' },
  bulletin_wrong_approver: {
    status: 403,
    vi: 'Bản tin của {owner} phải do {approver} duyệt.',
    en: 'A bulletin of {owner} must be approved by {approver}.',
  },
  bulletin_approval_needs_person: {
    status: 403,
    vi: 'Việc duyệt bản tin phải do người có thẩm quyền đăng nhập thực hiện, không dùng mã truy cập API.',
    en: 'Approval is a person\'s decision: sign in to approve; API tokens cannot approve.',
  },
  job_not_failed: { status: 409, vi: 'Bản tin {id} không có lượt xử lý lỗi nào để chạy lại.', en: 'Bulletin {id} has no failed processing job to retry.' },
  media_file_missing: {
    status: 400,
    vi: 'Chưa có tệp âm thanh trong yêu cầu (trường "audio").',
    en: 'The request carries no audio file (field "audio").',
  },
  media_empty: { status: 400, vi: 'Tệp "{name}" rỗng (0 byte).', en: 'The file "{name}" is empty (0 bytes).' },
  media_too_large: {
    status: 413,
    vi: 'Tệp vượt quá giới hạn {limitMb} MB; đã dừng nhận.',
    en: 'The file is larger than the {limitMb} MB limit; the upload was stopped.',
  },
  media_not_audio: {
    status: 415,
    vi: 'Tệp "{name}" không phải tệp âm thanh đọc được ({detail}).',
    en: 'The file "{name}" is not an audio file ffmpeg can read ({detail}).',
  },
  media_no_audio_stream: {
    status: 415,
    vi: 'Tệp "{name}" không có luồng âm thanh (chỉ có: {streams}).',
    en: 'The file "{name}" has no audio stream (it holds only: {streams}).',
  },
  media_truncated: {
    status: 422,
    vi: 'Tệp "{name}" bị cắt cụt tại {at} (đầu tệp ghi dài {declared}).',
    en: 'The file "{name}" is cut short at {at} (its header says {declared}).',
  },
  media_undecodable: {
    status: 422,
    vi: 'Không giải mã được âm thanh trong tệp "{name}": {detail}',
    en: 'The audio in "{name}" cannot be decoded: {detail}',
  },
  media_too_long: {
    status: 422,
    vi: 'Tệp "{name}" dài {duration}, vượt giới hạn {limit}.',
    en: 'The file "{name}" lasts {duration}, over the {limit} limit.',
  },
  media_not_found: { status: 404, vi: 'Không có tệp âm thanh {sha256}.', en: 'There is no audio file {sha256}.' },
  media_not_allowed: {
    status: 403,
    vi: 'Cụm loa {deviceId} không được tải tệp {sha256}.',
    en: 'Cluster {deviceId} may not fetch the file {sha256}.',
  },
  range_not_satisfiable: {
    status: 416,
    vi: 'Khoảng byte yêu cầu không hợp lệ (tệp dài {size} byte).',
    en: 'The requested byte range cannot be served (the file is {size} bytes).',
  },
  tts_unavailable: {
    status: 503,
    vi: 'Chưa cài bộ đọc văn bản {provider}: cài gói Debian "{package}" (apt-get install {package}) rồi thử lại.',
    en: 'Text-to-speech ({provider}) is not installed: install the Debian package "{package}" (apt-get install {package}) and retry.',
  },
  tts_failed: { status: 502, vi: 'Bộ đọc văn bản {provider} báo lỗi: {detail}', en: 'The text-to-speech provider {provider} failed: {detail}' },
  tts_voice_unknown: { status: 400, vi: 'Bộ đọc {provider} không có giọng "{voice}".', en: 'The provider {provider} has no voice "{voice}".' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export type ErrorParams = Record<string, string | number>;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly params: ErrorParams = {},
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(formatMessage(code, 'en', params), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = ERROR_CATALOGUE[code].status;
    this.details = options?.details;
  }
  readonly details: unknown;
}

export type Language = 'vi' | 'en';

export function formatMessage(code: ErrorCode, lang: Language, params: ErrorParams = {}): string {
  const template = ERROR_CATALOGUE[code][lang];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}
