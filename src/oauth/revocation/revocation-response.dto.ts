/** RFC 7009 §2.2: the answer is 200 with an empty body, whatever the token was. */
export class RevocationResponseDto {}
