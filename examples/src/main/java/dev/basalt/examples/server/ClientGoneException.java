package dev.basalt.examples.server;

import java.io.IOException;

/** Writing to the client failed: it closed the connection. Thrown from the token callback to stop generating. */
final class ClientGoneException extends RuntimeException {
    ClientGoneException(IOException cause) {
        super("the client closed the connection", cause);
    }
}
