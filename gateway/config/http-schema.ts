/**
 * The `http` section of a config (docs/configuration.md, docs/hub.md#running-a-hub): where a server listens and who may
 * call it (gateway/http/guard.ts). One set of fields for the store gateway's and the hub's, each with its own default
 * port; the store gateway's adds its dashboard's refresh.
 */
import { z } from "zod";
import { isLoopbackHost } from "../http/loopback.ts";

function fields(defaultPort: number) {
  return {
    enabled: z.boolean().default(true),
    host: z.string().default("127.0.0.1"),
    /** 0 picks a free port (tests). */
    port: z.number().int().min(0).max(65535).default(defaultPort),
    /** Bearer token; required when host is not a loopback IP literal (127.0.0.0/8, ::1) or localhost. */
    token: z.string().min(16, "a token of at least 16 characters").optional(),
    /** More names the server answers to in the Host header (a reverse proxy's, a DNS name); see guard.ts. */
    allowedHosts: z.array(z.string().trim().min(1).regex(/^[^\s/@]+$/, "a host name or IP, without scheme or path")).default([]),
  };
}

const tokenBeyondLoopback = {
  check: (h: { enabled: boolean; host: string; token?: string | undefined }) => !h.enabled || isLoopbackHost(h.host) || h.token !== undefined,
  message: { message: "a token is required when the HTTP server listens beyond loopback (http.host is not 127.x.x.x, ::1 or localhost)", path: ["token"] },
};

export function httpSchema(defaultPort: number) {
  return z.object(fields(defaultPort)).strict().prefault({}).refine(tokenBeyondLoopback.check, tokenBeyondLoopback.message);
}

/** The store gateway's: the hub's fields and the dashboard's refresh. */
export function gatewayHttpSchema(defaultPort: number) {
  return z
    .object({
      ...fields(defaultPort),
      /** The open dashboards are pushed at least this often (a terminal gone silent brings no data to push them). */
      dashboardRefreshMs: z.number().int().min(1000).max(3_600_000).default(15_000),
    })
    .strict()
    .prefault({})
    .refine(tokenBeyondLoopback.check, tokenBeyondLoopback.message);
}
