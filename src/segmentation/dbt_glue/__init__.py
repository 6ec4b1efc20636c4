"""What the dbt Python models call: reads their dbt inputs, runs the numerics,
and words the numerics' typed errors in terms of the project's vars."""
