/**
 * What a ValidatingAdmissionPolicyBinding does when a policy rejects an object (`spec.validationActions`,
 * https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/#validation-actions).
 */
export enum AdmissionPolicyAction {
  /** Reject the request (opt in once `Warn`/`Audit` have shown no false positives). */
  DENY = 'Deny',
  /** Admit the request and return the message as a warning to the client (`kubectl` prints it). */
  WARN = 'Warn',
  /** Admit the request and record the failure in the audit event (`validation.policy.admission.k8s.io/validation_failure`). */
  AUDIT = 'Audit',
}
