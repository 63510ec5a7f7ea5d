import { Field, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** Either `kubeconfig` (YAML with one context) or `server` + `token` (+ `caData`). Never returned. */
@InputType()
export class SaveConnectionInput {
  @ApiPropertyOptional({ description: 'A kubeconfig with exactly one context; inline data only (no file paths, exec or auth-provider plugins)' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  kubeconfig?: string;

  @ApiPropertyOptional({ example: 'https://10.0.0.1:6443' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  server?: string;

  @ApiPropertyOptional({ description: "PEM of the server's CA, raw or base64" })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  caData?: string;

  @ApiPropertyOptional({ description: 'Bearer token' })
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  token?: string;
}
