import { ValidationError, ValidationPipe } from '@nestjs/common';
import { InvalidRequest } from '../errors/protocol-error';

function firstMessage(errors: ValidationError[], parent = ''): string {
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      const [message] = Object.values(error.constraints);
      if (error.constraints.whitelistValidation) return `Unknown parameter: ${path}`;
      if (Array.isArray(error.value) && error.constraints.isString) {
        return `Parameter ${path} must not be repeated`;
      }
      return message.replace(error.property, path);
    }
    if (error.children?.length) return firstMessage(error.children, path);
  }
  return 'The request is invalid';
}

/**
 * The global validation pipe: strips nothing silently (unknown fields are rejected), converts
 * failures into `400 invalid_request` naming the first offending parameter, never its value.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new InvalidRequest(firstMessage(errors)),
  });
}
