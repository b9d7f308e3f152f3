import { Controller } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { documentedRoutes } from '../../../test/support/documented-routes';
import { HtmlPageGet } from './html-page-get';

@Controller('pages')
class PagesController {
  @HtmlPageGet({ summary: 'The page' })
  page(): string {
    return '<p>page</p>';
  }

  @HtmlPageGet({
    path: 'other',
    summary: 'Another page',
    description: 'More words',
    page: 'The other page, with its form',
  })
  other(): string {
    return '<p>other</p>';
  }
}

const HTML = { 'text/html': { schema: { type: 'string' } } };

describe('HtmlPageGet', () => {
  let app: NestFastifyApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    ({ app, document } = await documentedRoutes([PagesController]));
  });
  afterAll(() => app.close());

  it.each([
    ['/pages', '<p>page</p>'],
    ['/pages/other', '<p>other</p>'],
  ])(
    'routes GET %s (the controller’s path, or one under it), answered with no-store',
    async (url, body) => {
      const res = await app.inject({ method: 'GET', url });
      expect({ status: res.statusCode, body: res.body }).toEqual({ status: 200, body });
      expect(res.headers['cache-control']).toBe('no-store');
    },
  );

  it('documents the 200 as an HTML page, described as given', () => {
    const page = document.paths['/pages']?.get;
    expect(page?.summary).toBe('The page');
    expect(page).not.toHaveProperty('description');
    expect(page?.responses['200']).toEqual({ description: 'HTML page', content: HTML });
    const other = document.paths['/pages/other']?.get;
    expect(other).toMatchObject({ summary: 'Another page', description: 'More words' });
    expect(other?.responses['200']).toEqual({
      description: 'The other page, with its form',
      content: HTML,
    });
  });
});
