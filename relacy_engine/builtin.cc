// The built-in models (models/builtin.cc) compiled a second time, for the
// Relacy engine, from the same source: builtin.cc is included textually
// with two renaming macros (see prelude.h),
//   models               -> relacy_models        (so models::CounterRacy here is
//                                                 relacy_models::CounterRacy: no
//                                                 mangled name equals the scheduler's)
//   interleave::Registry -> RelacyModelCollector (its r.add<M>() calls record, for each
//                                                 model type, how to run it under Relacy)
// so a model registered in builtin.cc runs under Relacy with nothing else to do.
#include "relacy_engine/prelude.h"

#define models relacy_models
#define Registry RelacyModelCollector
#include "models/builtin.cc"
#undef Registry
#undef models

namespace interleave {

const RelacyModels& builtin_relacy_models() {
  static const std::unique_ptr<RelacyModels> models = make_relacy_models(relacy_models::builtin());
  return *models;
}

Expected<RelacyResult> run_relacy(std::string_view model, const Params& params,
                                  const RelacyOptions& options) {
  return builtin_relacy_models().run(model, params, options);
}

std::vector<std::string> relacy_model_names() { return builtin_relacy_models().names(); }

}  // namespace interleave
