import { Body, Controller } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { documentedRoutes } from '../../../test/support/documented-routes';
import { FORM } from '../openapi/api-decorators';
import { CsrfFormPost } from './csrf-form-post';

class FormDto {
  csrf_token?: string;
}

@Controller('forms')
class FormsController {
  @CsrfFormPost({ summary: 'Answer the page' })
  answer(): string {
    return 'answered';
  }

  @CsrfFormPost({
    path: 'confirm',
    summary: 'Confirm',
    description: 'More words',
    body: FormDto,
    badRequest: 'invalid_request: CSRF check failed, or the request is stale',
  })
  confirm(@Body() form: FormDto): string {
    return form.csrf_token ?? '';
  }
}

const ENVELOPE = {
  'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } },
};

describe('CsrfFormPost', () => {
  let app: NestFastifyApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    ({ app, document } = await documentedRoutes([FormsController]));
  });
  afterAll(() => app.close());

  it("routes a POST to the controller's path, or to the path given under it, answered with no-store", async () => {
    const fastify = app.getHttpAdapter().getInstance();
    for (const [url, body] of [
      ['/forms', 'answered'],
      ['/forms/confirm', 'token'],
    ]) {
      const res = await fastify.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: { csrf_token: 'token' },
      });
      expect({ url, status: res.statusCode, body: res.body }).toEqual({ url, status: 201, body });
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('documents a form post whose failed CSRF check is the JSON error envelope', () => {
    const answer = document.paths['/forms']?.post;
    expect(answer?.summary).toBe('Answer the page');
    expect(answer?.responses['400']).toEqual({
      description: 'invalid_request: CSRF check failed',
      content: ENVELOPE,
    });
    const confirm = document.paths['/forms/confirm']?.post;
    expect(confirm).toMatchObject({ summary: 'Confirm', description: 'More words' });
    expect(confirm?.requestBody).toMatchObject({ content: { [FORM]: {} } });
    expect(confirm?.responses['400']).toEqual({
      description: 'invalid_request: CSRF check failed, or the request is stale',
      content: ENVELOPE,
    });
    expect(document.components?.schemas).toHaveProperty('ErrorResponseDto');
  });
});
