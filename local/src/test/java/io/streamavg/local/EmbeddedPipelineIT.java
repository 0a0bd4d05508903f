package io.streamavg.local;

import java.nio.file.Path;

/** The end-to-end scenarios on {@code streamavg local}'s own stack: the in-process broker and the three services. */
class EmbeddedPipelineIT extends PipelineScenarios {

    @Override
    Pipeline start(final Path dataDir, final Path db) throws Exception {
        return started(new LocalStack(config(dataDir, db), context()));
    }
}
