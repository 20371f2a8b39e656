"""conformed layer: modules named NN_<table>.py, each with run(ctx), run in file-name order."""
