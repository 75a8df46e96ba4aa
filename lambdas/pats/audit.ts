import { countMetric, logger } from '../shared/observability';

/** A management change: counted by action and logged (never with a value, hash or secret). */
export function audit(action: string, details: Record<string, unknown>) {
  countMetric('ManagementAction', { action });
  logger.info(action, details);
}
