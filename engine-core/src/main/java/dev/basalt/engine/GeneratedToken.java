package dev.basalt.engine;

/**
 * One generated token and the text it completes: possibly empty while a multi-byte character is still incomplete
 * or while the text might be the start of a stop string (it then arrives with a later token).
 */
public record GeneratedToken(int id, String text) {
}
