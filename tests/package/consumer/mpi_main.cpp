#include <cstdio>
#include <boost/mpi/environment.hpp>
#include <riskgrid/exec/mpi.hpp>
#include <riskgrid/riskgrid.hpp>

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  const riskgrid::scenario::covariance cov{riskgrid::scenario::factor_set({"F"}), Eigen::MatrixXd::Constant(1, 1, 1e-4)};
  const riskgrid::scenario::gaussian_model model(cov, {.seed = 1, .horizon_days = 1});
  riskgrid::portfolio::trade t;
  t.id = "S", t.type = riskgrid::portfolio::trade_type::sensitivity, t.factor = "F", t.delta = 1e6;
  const riskgrid::portfolio::book book({t}, {}, model.factors(), {});
  const riskgrid::exec::pipeline job(model, book, riskgrid::risk::var_es_aggregator(100000, {riskgrid::confidence(0.99)}), {.scenarios = 100000});
  const double a = riskgrid::exec::run(job, riskgrid::exec::mpi(boost::mpi::communicator())).results()[0].var;
  const double b = riskgrid::exec::run(job, riskgrid::exec::serial{}).results()[0].var;
  std::printf("MPI VaR %.2f, serial VaR %.2f\n", a, b);
  return a == b ? 0 : 1;
}
