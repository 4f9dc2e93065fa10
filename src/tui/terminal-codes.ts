// The terminal's alternate buffer: entered for a screen, left when it is done.
export const ENTER_ALT = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALT = '\u001B[?1049l';
export const SHOW_CURSOR = '\u001B[?25h';
