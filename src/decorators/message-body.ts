import { recordParameter } from '../metadata';
import { Errors } from '../errors';

/**
 * Injects the message body into an `@OnMessage` handler parameter; validated when the
 * parameter's type is a class (or `@OnMessage(event, { body: Dto })` names one).
 *
 * @example
 * @OnMessage('say') say(@ConnectedSocket() conn: Connection, @MessageBody() body: SayDto) {}
 */
export function MessageBody(...unexpected: []): ParameterDecorator {
  if (unexpected.length > 0) {
    throw Errors.INVALID_ARGUMENT(
      '@MessageBody()',
      'it takes no arguments: read fields from the DTO',
    );
  }
  return (target, member, index) => {
    recordParameter(target, member, index, { source: 'body' }, '@MessageBody()');
  };
}
