/**
 * What free text may hold. PostgreSQL refuses NUL in text and the other control characters only
 * hide what a person reads, so every free-text field refuses them with a field error — before
 * anything reaches the database.
 */
export const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]*$/;
/** For text with lines (a card's programmable code): tab, line feed and carriage return are allowed. */
export const NO_CONTROL_CHARACTERS_BUT_LINES = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
export const CONTROL_CHARACTERS_MESSAGE = "Remove the control characters (such as NUL) from this field";
