// One error handler for the API: every error becomes `{code, message, reqId}` in the reader's
// language; 5xx details stay in the log, never in the response.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, ERROR_CATALOGUE, formatMessage } from '../errors.js';
import { describeValidation } from './language.js';

export interface ErrorBody {
  code: string;
  message: string;
  reqId: string;
  details?: unknown;
}

function send(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, params: Record<string, string | number> = {}, details?: unknown) {
  const body: ErrorBody = { code, message: formatMessage(code, request.lang ?? 'vi', { reqId: request.id, ...params }), reqId: request.id };
  if (details !== undefined) body.details = details;
  return reply.status(ERROR_CATALOGUE[code].status).send(body);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.code === 'rate_limited' || error.code === 'too_many_login_attempts') {
        reply.header('retry-after', String(error.params.retryAfterS ?? 60));
      }
      return send(reply, request, error.code, error.params, error.details);
    }
    const fe = error as FastifyError;
    if (fe.validation) {
      return send(reply, request, 'validation_failed', { detail: describeValidation(fe.validation, fe.validationContext ?? 'body', request.lang ?? 'vi') }, fe.validation);
    }
    switch (fe.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return send(reply, request, 'malformed_json');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
      case 'FST_REQ_FILE_TOO_LARGE':
        return send(reply, request, 'body_too_large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(reply, request, 'unsupported_media_type');
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      request.log.info({ err: fe }, 'client error');
      return send(reply, request, 'validation_failed', { detail: fe.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(reply, request, 'internal');
  });

  app.setNotFoundHandler((request, reply) => send(reply, request, 'route_not_found', { method: request.method, url: request.url.split('?')[0] ?? '' }));
}
