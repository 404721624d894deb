// The validated echo body, shared by our validated gateway and the NestJS ValidationPipe one.
import { IsInt, IsString, Length } from 'class-validator';

export class EchoDto {
  @IsInt() n!: number;
  @IsString() @Length(32, 32) s!: string;
}
