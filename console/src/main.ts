/** The operator console's entry point; see console/README.md. */
import './styles.css';
import './components/app';
