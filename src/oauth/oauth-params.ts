import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsDefined, IsOptional, IsString } from 'class-validator';
import { markTextParameter } from '../platform/validation/text-parameters';
import { RepeatableParameter } from '../platform/validation/validation.pipe';

/**
 * RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted from
 * the request."
 */
const emptyMeansAbsent = Transform(({ value }: { value: unknown }) =>
  value === '' ? undefined : value,
);

const MALFORMED = { message: 'Parameter $property is malformed' };

/** A form or query parameter is text; anything else (a JSON number, an object) is malformed. */
const text = IsString(MALFORMED);

/*
 * These two decorators are a field's whole rule: a DTO made only of them is read by the
 * validation pipe's compiled path (`compileTextParameters`) when a request is plainly valid, so a
 * field that needs another rule must not be one of them (add the rule and the DTO is validated
 * in full, by class-validator, every time).
 */

/**
 * An OAuth request parameter that may be absent. Presence rules that depend on the grant, the
 * client or the redirect URI are the endpoint's (they decide which error, and how it is sent).
 */
export function OptionalOAuthParam(): PropertyDecorator {
  return applyDecorators(emptyMeansAbsent, IsOptional(), text, markTextParameter(false));
}

/** An OAuth request parameter without which the request is refused before anything else. */
export function RequiredOAuthParam(missing: string): PropertyDecorator {
  return applyDecorators(
    emptyMeansAbsent,
    IsDefined({ message: missing }),
    text,
    markTextParameter(true),
  );
}

/**
 * An OAuth request parameter that may be absent or sent several times (RFC 8707 §2: `resource`
 * "MAY be used multiple times"): the list of its values in the order sent, one value a list of
 * one, absent when none has a value.
 */
export function RepeatableOAuthParam(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    RepeatableParameter(MALFORMED),
    markTextParameter(false, true),
  );
}
