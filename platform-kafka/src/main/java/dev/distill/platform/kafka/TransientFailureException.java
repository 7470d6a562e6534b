package dev.distill.platform.kafka;

import com.microsoft.kiota.ApiException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;

/**
 * A failure of the infrastructure, not of the record: the registry or the broker could not be
 * reached. The record is fine and must not be dead-lettered or committed past; the loop's session
 * fails instead, and a new session after a back-off processes the record again.
 */
public final class TransientFailureException extends RuntimeException {
    public TransientFailureException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether {@code e} was caused by a network failure (connection refused, timeout, lost host).
     */
    public static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException api && api.getResponseStatusCode() >= 500
                    || t instanceof ApiException busy && busy.getResponseStatusCode() == 429) {
                return true; // the registry is there but failing or busy: not the record's fault
            }
            if (t instanceof TransientFailureException
                    || t instanceof ConnectException
                    || t instanceof SocketTimeoutException
                    || t instanceof HttpTimeoutException
                    || t instanceof UnknownHostException
                    || (t instanceof IOException
                            && !(t instanceof java.io.EOFException)
                            && t.getClass().getName().startsWith("java.net"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rethrows {@code e} if it is transient, so that a step's catch-all for poison records never
     * dead-letters a record only because the registry was down.
     */
    public static void rethrowIfTransient(RuntimeException e) {
        if (e instanceof TransientFailureException t) {
            throw t;
        }
        if (isTransient(e)) {
            throw new TransientFailureException(
                    "transient failure, not the record's fault: " + e.getMessage(), e);
        }
    }
}
