import { IsString } from 'class-validator';

/** A DTO in its own module, so tests can import it as a value or with `import type`. */
export class NoteDto {
  @IsString() text!: string;
}
