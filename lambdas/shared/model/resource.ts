/** API resources (RFC 8707 resource indicators): the audiences tokens can be issued for. */
export interface ApiResource {
  id: string;
  name: string;
  indicator: string;
  /** Access token lifetime in seconds for tokens with this audience; null = the service default. */
  accessTokenTtl: number | null;
  scopes: string[];
  createdAt: number;
}
