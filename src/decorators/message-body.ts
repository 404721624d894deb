import { recordParameter, type ParameterRecord } from '../metadata';
import type { PipeRef } from '../definition';
import { Errors } from '../errors';
import { pipeList } from './pipe-list';

/**
 * Injects the message body into an `@OnMessage` handler parameter; validated when the
 * parameter's type is a class (or `@OnMessage(event, { body: Dto })` names one). With a field
 * name, one property of the (validated) body; pipes transform the value, and what they throw
 * is answered `validation_failed` naming the field.
 *
 * @example
 * @OnMessage('say') say(@ConnectedSocket() conn: Connection, @MessageBody() body: SayDto) {}
 * @OnMessage('seek') seek(@MessageBody('position', ParseIntPipe) position: number) {}
 */
export function MessageBody(
  fieldOrPipe?: string | PipeRef,
  ...pipes: PipeRef[]
): ParameterDecorator {
  const field = typeof fieldOrPipe === 'string' ? fieldOrPipe : undefined;
  const label = `@MessageBody(${field === undefined ? '' : JSON.stringify(field)})`;
  if (field === '') {
    throw Errors.INVALID_ARGUMENT(
      '@MessageBody(field)',
      'the field must be a non-empty string, or omitted for the whole body',
    );
  }
  const allPipes = pipeList(
    label,
    fieldOrPipe === undefined || field !== undefined ? pipes : [fieldOrPipe, ...pipes],
  );
  const record: { -readonly [K in keyof ParameterRecord]: ParameterRecord[K] } = { source: 'body' };
  if (field !== undefined) record.name = field;
  if (allPipes.length > 0) record.pipes = allPipes;
  return (target, member, index) => {
    recordParameter(target, member, index, record, label);
  };
}
