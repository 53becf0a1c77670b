import type { LiveFigures, ServiceStatus, StackStatus } from '../../protocol/control-api.js';
import { clockTime } from '../../text/readable.js';
import { formatColumns } from '../../text/table.js';

/** `0:03:12`, or `2 days, 3:04:05`, as supervisorctl writes uptimes. */
export function formatUptime(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const days = Math.floor(whole / 86_400);
  const clock = `${Math.floor((whole % 86_400) / 3600)}:${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
  return days > 0 ? `${days} day${days > 1 ? 's' : ''}, ${clock}` : clock;
}

function lastExit(service: ServiceStatus): string {
  if (!service.last_exit) return '-';
  return `${clockTime(service.last_exit.at).slice(0, 8)} ${service.last_exit.reason}`;
}

const rate = (n: number): string => (n >= 10 ? String(Math.round(n)) : String(Math.round(n * 10) / 10));

/** One line of the services' own figures, or undefined when none answered yet. */
export function formatFigures(figures: LiveFigures): string | undefined {
  const parts: string[] = [];
  if (figures.hub)
    parts.push(
      `hub: ${figures.hub.connections} connection(s), ${figures.hub.rooms} room(s), ${rate(figures.hub.messages_per_s)} messages/s`,
    );
  if (figures.rooms) parts.push(`rooms: ${figures.rooms.rooms} room(s)`);
  if (figures.broker) parts.push(`broker: ${rate(figures.broker.events_per_s)} events/s, ${figures.broker.dropped_total} dropped`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The table `thiscord status` prints: one row per service, then the live figures. */
export function formatStatus(status: StackStatus): string {
  const rows = status.services.map((service) => [
    service.name,
    service.state.toUpperCase(),
    service.pid === undefined ? '-' : String(service.pid),
    service.uptime_s === undefined ? '-' : formatUptime(service.uptime_s),
    String(service.restarts),
    lastExit(service),
    service.endpoint,
  ]);
  const figures = formatFigures(status.figures);
  return [
    `ThisCord on ${status.data_dir}: supervisor pid ${status.pid}, up ${formatUptime(status.uptime_s)}${status.stopping ? ', STOPPING' : ''}`,
    '',
    formatColumns(rows, { header: ['service', 'state', 'pid', 'uptime', 'restarts', 'last exit', 'endpoint'] }),
    ...(figures ? ['', figures] : []),
  ].join('\n');
}

/** One line per service a verb acted on: `hub  RUNNING  pid 4242`. */
export function formatServices(services: ServiceStatus[]): string {
  return formatColumns(
    services.map((service) => [service.name, service.state.toUpperCase(), service.pid === undefined ? '-' : String(service.pid)]),
    { header: ['service', 'state', 'pid'] },
  );
}

/** What a second `up` on the same data dir says instead of starting. */
export function formatAlreadyRunning(status: StackStatus): string {
  return [
    `a stack is already running on ${status.data_dir} (supervisor pid ${status.pid}, since ${status.since.slice(0, 10)} ${clockTime(status.since).slice(0, 8)}):`,
    formatColumns(
      status.services.map((service) => [service.name, service.endpoint]),
      { indent: '  ' },
    ),
    'see "thiscord status"; stop it with "thiscord down"',
  ].join('\n');
}
