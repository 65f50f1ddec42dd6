# Independent replicate standard errors with the R survey package, for scripts/validate_se_with_r.py.
#
# Usage: Rscript scripts/se_check.R records.csv results.csv
#
# records.csv holds one row per person record: PWGTP, PWGTP1..PWGTP80 and 0/1 indicator columns
#   t_<id>            a total: svytotal(~t_<id>)
#   n_<id>, d_<id>    a ratio: svyratio(~n_<id>, ~d_<id>)
# results.csv gets one row per statistic: id, kind (total/ratio), estimate, se (17 significant
# digits).
#
# The design is the ACS successive-difference replication design: with
# type = "successive-difference" svrepdesign sets scale = 4 / ncol(repweights) and rscales = 1, and
# mse = TRUE centres the replicate deviations on the full-sample estimate (the default,
# getOption("survey.replicates.mse"), is FALSE, which would centre on the replicate mean).

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript se_check.R records.csv results.csv")

suppressPackageStartupMessages(library(survey))

d <- read.csv(args[1], check.names = FALSE)

des <- svrepdesign(
  weights = ~PWGTP, repweights = "PWGTP[0-9]+", type = "successive-difference",
  mse = TRUE, data = d
)
stopifnot(
  ncol(des$repweights) == 80,
  identical(colnames(des$repweights), paste0("PWGTP", 1:80)),
  isTRUE(all.equal(des$scale, 4 / 80)),
  all(des$rscales == 1),
  isTRUE(des$mse)
)

fmt <- function(x) sprintf("%.17g", x)
ids <- character(0)
kinds <- character(0)
est <- numeric(0)
se <- numeric(0)

for (v in grep("^t_", names(d), value = TRUE)) {
  s <- svytotal(as.formula(paste0("~`", v, "`")), des)
  ids <- c(ids, sub("^t_", "", v))
  kinds <- c(kinds, "total")
  est <- c(est, unname(coef(s)))
  se <- c(se, unname(SE(s)))
}

for (v in grep("^n_", names(d), value = TRUE)) {
  id <- sub("^n_", "", v)
  r <- svyratio(as.formula(paste0("~`", v, "`")), as.formula(paste0("~`d_", id, "`")), des)
  ids <- c(ids, id)
  kinds <- c(kinds, "ratio")
  est <- c(est, unname(coef(r)))
  se <- c(se, unname(SE(r)))
}

write.csv(
  data.frame(id = ids, kind = kinds, estimate = fmt(est), se = fmt(se)),
  args[2], row.names = FALSE, quote = FALSE
)
