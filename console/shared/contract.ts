/** What the console page and its server agree on. Imported by both sides: no Node or DOM APIs here. */

/** Sent by the page on every call it makes to its server; see console/server/handler.ts. */
export const CONSOLE_HEADER = 'x-patgate-console';

/** `GET /console/config`: what the page shows about where its calls go. */
export interface ConsoleConfig {
  /** The patgate API the console forwards to. */
  apiEndpoint: string;
  /** The region management calls are signed for. */
  region: string;
}
