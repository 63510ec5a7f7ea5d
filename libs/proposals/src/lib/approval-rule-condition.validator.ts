import { FINDING_SEVERITY_ORDER, FindingCode } from '@palisade/netpol-engine';
import { registerDecorator, type ValidationArguments } from 'class-validator';

import type { ApprovalRuleCondition } from './evaluate-approvals.util';

const FINDING_CODES: readonly string[] = Object.values(FindingCode);
const CONDITION_FIELDS = ['findings', 'minSeverity', 'connectivityChange'];

/** Why `when` is not a valid approval rule condition, or none. `null` (no condition) is valid. */
export function approvalRuleConditionProblems(when: unknown): string[] {
  if (when === null || when === undefined) return [];
  if (typeof when !== 'object' || Array.isArray(when)) return ['when must be an object with findings, minSeverity or connectivityChange'];
  const condition = when as Record<string, unknown>;
  const problems = Object.keys(condition)
    .filter((key) => !CONDITION_FIELDS.includes(key))
    .map((key) => `when.${key} is not a condition (use findings, minSeverity or connectivityChange)`);
  const given = CONDITION_FIELDS.filter((key) => condition[key] !== undefined && condition[key] !== null);
  if (given.length === 0) problems.push('when must give at least one condition (findings, minSeverity or connectivityChange); leave when out for a rule on cluster labels alone');

  const { findings, minSeverity, connectivityChange } = condition;
  if (findings !== undefined && findings !== null) {
    if (!Array.isArray(findings) || findings.length === 0 || findings.some((code) => typeof code !== 'string')) {
      problems.push('when.findings must be a non-empty array of finding codes');
    } else {
      for (const code of findings as string[]) {
        if (!FINDING_CODES.includes(code)) problems.push(`when.findings: unknown finding code "${code}" (known codes: ${FINDING_CODES.join(', ')})`);
      }
      const repeated = [...new Set(findings.filter((code, i) => findings.indexOf(code) !== i))];
      for (const code of repeated) problems.push(`when.findings names "${code}" more than once`);
    }
  }
  if (minSeverity !== undefined && minSeverity !== null && !FINDING_SEVERITY_ORDER.includes(minSeverity as never)) {
    problems.push(`when.minSeverity must be one of ${FINDING_SEVERITY_ORDER.join(', ')}`);
  }
  if (connectivityChange !== undefined && connectivityChange !== null && typeof connectivityChange !== 'boolean') {
    problems.push('when.connectivityChange must be true or false');
  }
  return problems;
}

/** The conditions given, without null or absent ones; call only on a valid condition. */
export function normalizeApprovalRuleCondition(when: ApprovalRuleCondition | null | undefined): ApprovalRuleCondition | null {
  if (when === null || when === undefined) return null;
  const out: ApprovalRuleCondition = {};
  if (when.findings !== undefined && when.findings !== null) out.findings = [...when.findings];
  if (when.minSeverity !== undefined && when.minSeverity !== null) out.minSeverity = when.minSeverity;
  if (when.connectivityChange !== undefined && when.connectivityChange !== null) out.connectivityChange = when.connectivityChange;
  return out;
}

/** A valid approval rule `when` (or null). */
export const IsApprovalRuleCondition = (): PropertyDecorator => (target, propertyName) => {
  registerDecorator({
    name: 'isApprovalRuleCondition',
    target: target.constructor,
    propertyName: String(propertyName),
    validator: {
      validate: (value: unknown) => approvalRuleConditionProblems(value).length === 0,
      defaultMessage: (args?: ValidationArguments) => approvalRuleConditionProblems(args?.value).join('; '),
    },
  });
};

/**
 * minApprovals may be 0 only for a rule about changes that open and close no flow: a 0 on any
 * other rule would let risky changes merge unreviewed.
 */
export const IsAllowedMinApprovals = (): PropertyDecorator => (target, propertyName) => {
  registerDecorator({
    name: 'isAllowedMinApprovals',
    target: target.constructor,
    propertyName: String(propertyName),
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => value !== 0 || (args?.object as { when?: ApprovalRuleCondition | null }).when?.connectivityChange === false,
      defaultMessage: () =>
        'minApprovals may be 0 only on a rule with when.connectivityChange: false (changes that open and close no flow); a rule that waives review for other, possibly risky, changes is refused',
    },
  });
};
