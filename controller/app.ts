// The controller's HTTP application: plugins and routes, given a ready context. Kept apart from
// starting and listening (controller.ts) so tests can `inject` requests without a port.
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import fp from 'fastify-plugin';
import { authRoutes } from './accounts/auth.routes.js';
import { tokenRoutes } from './accounts/tokens.routes.js';
import { userRoutes } from './accounts/users.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { commandRoutes } from './broadcasts/commands.routes.js';
import { emergencyRoutes } from './broadcasts/emergency.routes.js';
import { groupRoutes } from './broadcasts/groups.routes.js';
import { resultRoutes } from './broadcasts/results.routes.js';
import { bulletinUploadRoutes } from './bulletins/bulletin-upload.routes.js';
import { bulletinRoutes } from './bulletins/bulletins.routes.js';
import { progressRoutes } from './bulletins/progress.routes.js';
import type { ControllerContext } from './context.js';
import { deviceRoutes } from './devices/devices.routes.js';
import { healthRoutes } from './health/health.routes.js';
import { accessControl } from './http/access.js';
import { installErrorHandling } from './http/error-handler.js';
import { liveRoutes } from './live/live.routes.js';
import { mqttAuthRoutes } from './mqtt/mqtt-auth.routes.js';
import { registryRoutes } from './registry/registry.routes.js';
import { scheduleRoutes } from './schedules/schedules.routes.js';
import { reportRoutes } from './reports/reports.routes.js';
import { consoleRoutes } from './ui/console.routes.js';
import { mediaRoutes } from './media/media.routes.js';
import { ttsRoutes } from './tts/tts.routes.js';

export async function buildApp(ctx: ControllerContext): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    loggerInstance: ctx.logger.child({ module: 'http' }) as FastifyBaseLogger,
    // One log line per request would flood the log under fleet load; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: false,
    bodyLimit: 1_048_576,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
    genReqId: () => Math.random().toString(36).slice(2, 10),
  });
  app.register(
    fp(
      async (instance) => {
        instance.decorate('ctx', ctx);
      },
      { name: 'loa-context' },
    ),
  );
  installErrorHandling(app);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Loa API',
        version: '1',
        description:
          'Control plane for smart commune radio stations (Circular 39/2020/TT-BTTTT). Sign in with POST /api/v1/auth/login (session cookie) or send `Authorization: Bearer <API token>`. Errors are `{code, message, reqId}`; messages follow Accept-Language (vi default, en).',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'loa_session' }, token: { type: 'http', scheme: 'bearer' } } },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(accessControl);
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(tokenRoutes);
  await app.register(auditRoutes);
  await app.register(registryRoutes);
  await app.register(deviceRoutes);
  await app.register(mqttAuthRoutes);
  await app.register(scheduleRoutes);
  await app.register(groupRoutes);
  await app.register(commandRoutes);
  await app.register(emergencyRoutes);
  await app.register(resultRoutes);
  await app.register(reportRoutes);
  await app.register(liveRoutes);
  await app.register(consoleRoutes);
  await app.register(bulletinRoutes);
  await app.register(bulletinUploadRoutes);
  await app.register(progressRoutes);
  await app.register(ttsRoutes);
  await app.register(mediaRoutes);
  return app;
}
