package dev.distill.e2e;

import dev.distill.localstack.ServiceProcess;
import java.nio.file.Path;

/**
 * A parent process for {@link ServiceOrphanTest}: starts the packaged trainer (its loop off, so it
 * only serves its endpoints), prints its pid, and waits to be killed.
 */
public final class OrphanParent {
    private OrphanParent() {}

    public static void main(String[] args) throws Exception {
        ServiceProcess service =
                ServiceProcess.of(Path.of(args[0]), "trainer-student")
                        .property("distill.trainer.enabled", "false") // up, serving, idle
                        .log(Path.of(args[1]))
                        .start();
        System.out.println(service.pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
