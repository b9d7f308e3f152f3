import {
  type ArgumentsHost,
  BadRequestException,
  Logger,
  MethodNotAllowedException,
  NotFoundException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { mongo } from 'mongoose';
import { ProtocolErrorFilter } from './protocol-error.filter';
import { InvalidClient, InvalidGrant, InvalidToken } from './protocol-error';

describe('ProtocolErrorFilter.toProtocolError', () => {
  const filter = new ProtocolErrorFilter();
  const request = { method: 'GET', path: '/authorize' };
  const map = (e: unknown) => {
    const error = filter.toProtocolError(e, request);
    return { status: error.status, error: error.error, description: error.description };
  };

  it('passes protocol errors through unchanged', () => {
    expect(map(new InvalidGrant('Authorization code already used'))).toEqual({
      status: 400,
      error: 'invalid_grant',
      description: 'Authorization code already used',
    });
  });

  it('gives invalid_client a 401 with WWW-Authenticate', () => {
    const error = filter.toProtocolError(
      new InvalidClient('Client authentication failed'),
      request,
    );
    expect(error.status).toBe(401);
    expect(error.headers['WWW-Authenticate']).toMatch(/^Basic /);
  });

  it('keeps quotes, backslashes and non-ASCII out of the RFC 6750 error_description', () => {
    const error = filter.toProtocolError(
      new InvalidToken('Must be "Bearer <token>", not C:\\path or “this”\n'),
      request,
    );
    expect(error.headers['WWW-Authenticate']).toBe(
      `Bearer realm="proofgate", error="invalid_token", error_description="Must be 'Bearer <token>', not C:path or 'this'"`,
    );
    expect(error.description).toBe('Must be "Bearer <token>", not C:\\path or “this”\n');
  });

  it('answers a database outage with 503 temporarily_unavailable', () => {
    const outage = new mongo.MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:1', {
      type: 'Unknown',
      servers: new Map(),
      stale: false,
      compatible: true,
      heartbeatFrequencyMS: 10000,
      localThresholdMS: 15,
      setName: null,
      maxElectionId: null,
      maxSetVersion: null,
      commonWireVersion: 0,
      logicalSessionTimeoutMinutes: null,
    } as unknown as ConstructorParameters<typeof mongo.MongoServerSelectionError>[1]);
    expect(map(outage)).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    expect(map(new mongo.MongoNetworkError('socket closed'))).toMatchObject({ status: 503 });
  });

  it('answers a bulk write that could not reach the database with 503 (the driver wraps the network error)', () => {
    const network = new mongo.MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017');
    const bulk = new mongo.MongoBulkWriteError(
      network,
      {} as ConstructorParameters<typeof mongo.MongoBulkWriteError>[1],
    );
    expect(map(bulk)).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    // A bulk write the server refused (a duplicate key) is still a bug of ours: a generic 500.
    const refused = new mongo.MongoBulkWriteError(
      { message: 'E11000 duplicate key', code: 11000, writeErrors: [] },
      {} as ConstructorParameters<typeof mongo.MongoBulkWriteError>[1],
    );
    expect(map(refused).status).toBe(500);
  });

  it('answers a write refused during a replica set election (the primary stepped down) with 503', () => {
    const steppedDown = new mongo.MongoServerError({
      message: 'Not primary while writing',
      code: 10107,
      codeName: 'NotWritablePrimary',
    });
    expect(map(steppedDown)).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    const labelled = new mongo.MongoServerError({
      message: 'operation was interrupted',
      code: 11602,
      errorLabels: ['RetryableWriteError'],
    });
    expect(map(labelled)).toMatchObject({ status: 503 });
    // A server refusal that is no election (a duplicate key) is still a bug of ours: a generic 500.
    const duplicate = new mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    expect(map(duplicate).status).toBe(500);
  });

  it('answers a lost connection the driver did not wrap (Node EPIPE, ECONNRESET) with 503', () => {
    for (const code of ['EPIPE', 'ECONNRESET']) {
      const lost = Object.assign(new Error('This socket has been ended by the other party'), {
        code,
      });
      expect(map(lost)).toEqual({
        status: 503,
        error: 'temporarily_unavailable',
        description: 'A connection the service needs was lost; retry shortly',
      });
    }
    // Any other coded error is still a bug of ours: a generic 500.
    expect(map(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })).status).toBe(500);
  });

  it('maps a 404 without echoing the query string', () => {
    expect(map(new NotFoundException('Cannot GET /authorize?code=secret'))).toEqual({
      status: 404,
      error: 'not_found',
      description: 'No route for GET /authorize',
    });
  });

  it('maps a 404 at a path other routes take to 405 with Allow (RFC 9110 §15.5.6)', () => {
    const line = { method: 'DELETE', path: '/items/7', allowed: () => ['GET', 'HEAD', 'PATCH'] };
    const error = filter.toProtocolError(new NotFoundException('Cannot DELETE /items/7?x=1'), line);
    expect({ status: error.status, error: error.error, description: error.description }).toEqual({
      status: 405,
      error: 'invalid_request',
      description: 'DELETE is not allowed on /items/7; it takes GET, HEAD, PATCH',
    });
    expect(error.headers).toEqual({ Allow: 'GET, HEAD, PATCH' });
    const none = filter.toProtocolError(new NotFoundException(), { ...line, allowed: () => [] });
    expect(none).toMatchObject({ status: 404, error: 'not_found', headers: {} });
  });

  it('keeps a thrown 405 a 405 with Allow, never a 400', () => {
    const line = { method: 'PUT', path: '/items/7', allowed: () => ['GET', 'HEAD'] };
    const error = filter.toProtocolError(new MethodNotAllowedException(), line);
    expect(error).toMatchObject({
      status: 405,
      error: 'invalid_request',
      description: 'PUT is not allowed on /items/7',
      headers: { Allow: 'GET, HEAD' },
    });
  });

  it('maps body-parser failures to invalid_request', () => {
    const parse = new BadRequestException('bad', {
      cause: Object.assign(new SyntaxError('Unexpected token'), {
        type: 'entity.parse.failed',
        status: 400,
      }),
    });
    expect(map(parse)).toMatchObject({
      status: 400,
      error: 'invalid_request',
      description: 'The request body is not valid JSON',
    });
    expect(
      map(new BadRequestException("Expected property name or '}' in JSON at position 1")),
    ).toMatchObject({ status: 400, description: 'The request body is not valid JSON' });
    expect(map(new PayloadTooLargeException())).toMatchObject({
      status: 413,
      error: 'invalid_request',
      description: 'The request body is too large',
    });
    expect(map(new UnsupportedMediaTypeException())).toMatchObject({
      status: 415,
      error: 'invalid_request',
      description:
        'The request body is neither application/x-www-form-urlencoded nor application/json',
    });
  });

  it('answers a path the static file server refused as any unknown path: 404 Not Found (RFC 9110 §15.5.5)', () => {
    const forbidden = Object.assign(new Error('Forbidden'), { status: 403, statusCode: 403 });
    const path = '/static/../package.json';
    expect(filter.toProtocolError(forbidden, { method: 'GET', path })).toMatchObject({
      status: 404,
      error: 'not_found',
      description: `No route for GET ${path}`,
    });
    // The same error outside /static/ is no refusal of the file server: a bug of ours.
    expect(map(forbidden).status).toBe(500);
  });

  it('turns anything unknown into a generic 500 that reveals nothing', () => {
    expect(map(new TypeError('secret-code-123 is not a function'))).toEqual({
      status: 500,
      error: 'server_error',
      description: 'An unexpected error occurred',
    });
  });
});

describe('ProtocolErrorFilter.catch', () => {
  function host(request: Record<string, unknown>) {
    // Fastify's reply, as far as the filter uses it.
    const response = {
      sent: false,
      raw: { headersSent: false },
      code: jest.fn().mockReturnThis(),
      header: jest.fn().mockReturnThis(),
      removeHeader: jest.fn().mockReturnThis(),
      send: jest.fn().mockReturnThis(),
    };
    const switchToHttp = () => ({ getRequest: () => request, getResponse: () => response });
    return { host: { switchToHttp } as unknown as ArgumentsHost, response };
  }

  it('logs an unexpected error with the method, path (not the query) and id of its request', () => {
    const filter = new ProtocolErrorFilter();
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const { host: context, response } = host({
        method: 'POST',
        url: '/token?code=secret',
        id: 41,
      });
      filter.catch(new Error('boom'), context);
      expect(response.code).toHaveBeenCalledWith(500);
      expect(error).toHaveBeenCalledWith('POST /token (request 41) failed', expect.any(String));
    } finally {
      error.mockRestore();
    }
  });

  it('names the request without an id when the request log has not seen it yet', () => {
    const filter = new ProtocolErrorFilter();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const { host: context } = host({ method: 'GET', url: '/api/me' });
      filter.catch(new mongo.MongoNetworkError('connection reset'), context);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^GET \/api\/me: /));
    } finally {
      warn.mockRestore();
    }
  });
});
