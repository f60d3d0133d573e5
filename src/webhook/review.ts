/**
 * AdmissionReview v1 in, AdmissionReview v1 out (pure). The request path names the kind
 * (`/validate-objectset`); an UPDATE is allowed unless it breaks the kind's immutability rules.
 */
import { z } from 'zod';
import {
  immutabilityViolations,
  immutableKinds,
  invalidMessage,
  type FieldProblem,
  type KindRules,
} from './rules.js';

const groupVersionKind = z.object({ group: z.string(), version: z.string(), kind: z.string() });

const admissionReview = z.looseObject({
  apiVersion: z.literal('admission.k8s.io/v1'),
  kind: z.literal('AdmissionReview'),
  request: z.looseObject({
    uid: z.string().min(1),
    kind: groupVersionKind,
    name: z.string().optional(),
    namespace: z.string().optional(),
    operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
    object: z.unknown().optional(),
    oldObject: z.unknown().optional(),
  }),
});

export type AdmissionRequest = z.infer<typeof admissionReview>['request'];

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: {
    status: 'Failure';
    code: number;
    reason: string;
    message: string;
    details?: {
      name?: string;
      group?: string;
      kind?: string;
      causes?: { reason: string; message: string; field: string }[];
    };
  };
}

/** What the HTTP layer sends back: a status code and a JSON or text body. */
export type ReviewReply =
  | { status: 200; json: { apiVersion: string; kind: string; response: AdmissionResponse } }
  | { status: 400 | 404; text: string };

/** `/validate-<kind in lowercase>` for every kind with immutability rules. */
export function webhookPaths(): Map<string, KindRules> {
  const out = new Map<string, KindRules>();
  for (const r of immutableKinds().values()) out.set(`/validate-${r.kind.toLowerCase()}`, r);
  return out;
}

function denied(
  uid: string,
  rules: KindRules,
  name: string,
  problems: readonly FieldProblem[],
): AdmissionResponse {
  return {
    uid,
    allowed: false,
    status: {
      status: 'Failure',
      code: 422,
      reason: 'Invalid',
      message: invalidMessage(rules, name, problems),
      details: {
        name,
        group: rules.group,
        kind: rules.kind,
        causes: problems.map((p) => ({ reason: p.type, message: p.message, field: p.field })),
      },
    },
  };
}

/** Decides one admission request; `AdmissionRequest` has been validated. */
export function admit(rules: KindRules, req: AdmissionRequest): AdmissionResponse {
  if (req.kind.kind !== rules.kind) {
    return {
      uid: req.uid,
      allowed: false,
      status: {
        status: 'Failure',
        code: 400,
        reason: 'BadRequest',
        message: `this webhook validates ${rules.kind}, not ${req.kind.kind} (check the webhook configuration's rules)`,
      },
    };
  }
  if (req.operation !== 'UPDATE') return { uid: req.uid, allowed: true };
  const problems = immutabilityViolations(rules, req.oldObject, req.object);
  if (problems.length === 0) return { uid: req.uid, allowed: true };
  return denied(req.uid, rules, req.name ?? '', problems);
}

/** Handles one POST body for `path`. */
export function review(path: string, body: string): ReviewReply {
  const rules = webhookPaths().get(path);
  if (rules === undefined) return { status: 404, text: `no webhook at ${path}\n` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return { status: 400, text: `decoding AdmissionReview: ${String(err)}\n` };
  }
  const r = admissionReview.safeParse(parsed);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.join('.') || '<root>'}: ${i.message}`);
    return { status: 400, text: `invalid AdmissionReview: ${problems.join('; ')}\n` };
  }
  return {
    status: 200,
    json: {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: admit(rules, r.data.request),
    },
  };
}
