// Binding a port with an error a person can act on: which port, and which variable changes it.
import type { Server } from 'node:net';

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly host: string,
    readonly envVar: string,
  ) {
    super(`port ${port} on ${host} is already in use (another program listens there); set ${envVar} to a free port`);
    this.name = 'PortInUseError';
  }
}

export function listen(server: Server, port: number, host: string, envVar: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new PortInUseError(port, host, envVar));
      else if (err.code === 'EACCES') reject(new Error(`no permission to listen on port ${port} (${envVar}); choose a port above 1023`));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
