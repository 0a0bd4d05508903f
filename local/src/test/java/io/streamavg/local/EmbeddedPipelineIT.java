package io.streamavg.local;

import io.streamavg.runtime.ServiceContext;
import java.nio.file.Path;
import java.util.Map;

/** The end-to-end scenarios on {@code streamavg local}'s own stack: the in-process broker and the three services. */
class EmbeddedPipelineIT extends PipelineScenarios {

    @Override
    Pipeline start(final Path dataDir, final Path db, final Map<String, String> options) throws Exception {
        final ServiceContext context = context();
        return started(new LocalStack(config(dataDir, db, options), context), context);
    }
}
